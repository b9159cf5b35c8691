package herd.cli;

import herd.hosts.HostListException;
import herd.push.InvalidPushException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;

/** herd's entry point: builds the command line, runs it, and exits with its status. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Thread main = Thread.currentThread();
    Interrupts interrupts = new Interrupts(main, Runtime.getRuntime()::halt);
    Runtime.getRuntime().addShutdownHook(new Thread(interrupts::onSignal, "herd-shutdown"));
    int status = execute(commandLine(System.in), args);
    interrupts.finished();
    System.exit(status);
  }

  /** Runs {@code args}; without a subcommand first, as a push ({@code herd FILE DEST ...}). */
  static int execute(CommandLine cmd, String... args) {
    boolean implicitPush = args.length > 0 && !cmd.getSubcommands().containsKey(args[0])
        && !List.of("-h", "--help", "-V", "--version").contains(args[0]);
    if (!implicitPush) return cmd.execute(args);
    String[] push = new String[args.length + 1];
    push[0] = "push";
    System.arraycopy(args, 0, push, 1, args.length);
    return cmd.execute(push);
  }

  /** The command line for {@code main} and for tests: same options, same exit statuses. */
  static CommandLine commandLine(InputStream stdin) {
    CommandLine cmd = new CommandLine(new HerdCommand())
        .addSubcommand(new PushCommand(stdin))
        .addSubcommand(new ServeCommand())
        .addSubcommand(new GetCommand())
        .addSubcommand(new TorrentCommand())
        .addSubcommand(new TrackerCommand())
        .addSubcommand(new SeedCommand())
        // hidden: prints the bash (and zsh) completion script of this very command line; the build writes target/herd.bash
        .addSubcommand(new AutoComplete.GenerateCompletion());
    List<CommandLine> all = new ArrayList<>(cmd.getSubcommands().values());
    all.add(cmd);
    for (CommandLine c : all) {
      c.getCommandSpec().usageMessage().exitCodeList(ExitStatus.helpList());
      c.getCommandSpec().exitCodeOnInvalidInput(ExitStatus.BAD_INPUT.code);
      c.getCommandSpec().exitCodeOnExecutionException(ExitStatus.ERROR.code);
    }
    // one line, as for every other bad input, not the whole usage
    cmd.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("herd: " + e.getMessage() + " (see " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
      err.flush();
      return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    });
    cmd.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      PrintWriter err = commandLine.getErr();
      err.println("herd: " + message(e));
      err.flush();
      return exitStatus(e).code;
    });
    return cmd;
  }

  static ExitStatus exitStatus(Throwable e) {
    if (e instanceof InvalidPushException || e instanceof HostListException || e instanceof BadInputException) {
      return ExitStatus.BAD_INPUT;
    }
    if (e instanceof InterruptedException) return ExitStatus.INTERRUPTED;
    return ExitStatus.ERROR;
  }

  private static String message(Throwable e) {
    if (e instanceof InterruptedException) return "interrupted";
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
