package herd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code herd}: the subcommands; {@code herd FILE DEST ...} without one is a push. */
@Command(
    name = "herd",
    scope = ScopeType.INHERIT, // every subcommand gets --help, --version and the exit statuses too
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    usageHelpAutoWidth = true,
    description = {
      "Push files to many hosts at the speed of one copy: the hosts share the pieces among themselves over BitTorrent.",
      "",
      "`herd FILE DEST [HOSTS_FILE]` is short for `herd push FILE DEST [HOSTS_FILE]`; `herd COMMAND --help` tells more."
    },
    exitCodeListHeading = "%nExit status:%n")
final class HerdCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** No subcommand and nothing to push: say what there is. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitStatus.BAD_INPUT.code;
  }
}
