package herd.cli;

import java.io.File;
import java.io.IOException;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the AsciiDoc man pages of herd's command line, one per command ({@code herd.adoc}, {@code herd-push.adoc},
 * ...), from the same model {@code main} runs, into the directory given. The build runs it at {@code package} and
 * asciidoctor turns the pages into roff in {@code target/man}; picocli-codegen stays out of the shipped jar.
 */
public final class ManPages {
  private ManPages() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) throw new IllegalArgumentException("usage: ManPages OUTDIR");
    CommandLine cmd = Main.commandLine(System.in);
    // one synopsis line: asciidoctor and man wrap it, and a wrap of picocli's own could split an _ITALIC_ label
    cmd.setUsageHelpAutoWidth(false).setUsageHelpWidth(10_000);
    int status = ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true, cmd.getCommandSpec());
    if (status != 0) throw new IllegalStateException("ManPageGenerator exited with " + status);
  }
}
