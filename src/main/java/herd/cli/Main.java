package herd.cli;

import herd.hosts.HostListException;
import herd.push.InvalidPushException;
import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** herd's entry point: builds the command line, runs it, and exits with its status. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Thread main = Thread.currentThread();
    Interrupts interrupts = new Interrupts(main, Runtime.getRuntime()::halt);
    Runtime.getRuntime().addShutdownHook(new Thread(interrupts::onSignal, "herd-shutdown"));
    int status = commandLine(System.in).execute(args);
    interrupts.finished();
    System.exit(status);
  }

  /** The command line for {@code main} and for tests: same options, same exit statuses. */
  static CommandLine commandLine(InputStream stdin) {
    CommandLine cmd = new CommandLine(new HerdCommand(stdin));
    cmd.getCommandSpec().usageMessage().exitCodeList(ExitStatus.helpList());
    cmd.getCommandSpec().exitCodeOnInvalidInput(ExitStatus.BAD_INPUT.code);
    cmd.getCommandSpec().exitCodeOnExecutionException(ExitStatus.ERROR.code);
    cmd.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      PrintWriter err = commandLine.getErr();
      err.println("herd: " + message(e));
      err.flush();
      return exitStatus(e).code;
    });
    return cmd;
  }

  static ExitStatus exitStatus(Throwable e) {
    if (e instanceof InvalidPushException || e instanceof HostListException) return ExitStatus.BAD_INPUT;
    if (e instanceof InterruptedException) return ExitStatus.INTERRUPTED;
    return ExitStatus.ERROR;
  }

  private static String message(Throwable e) {
    if (e instanceof InterruptedException) return "interrupted";
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
