package herd.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** What several commands share: their options (as picocli mixins) and how the daemons among them parse and wait. */
final class CommonOptions {
  private CommonOptions() {}

  /** {@code -v}: herd's debug log, and the libraries' own lines. */
  static final class Verbose {
    @Option(names = {"-v", "--verbose"}, description = "Log what happens, for debugging.")
    boolean verbose;

    void apply() {
      Logging.configure(verbose);
    }
  }

  /** {@code --limit-rate RATE}. */
  static final class RateLimit {
    @Option(names = "--limit-rate", paramLabel = "RATE", converter = RateConverter.class, showDefaultValue = Help.Visibility.NEVER,
        description = "The most bytes a second to send, and to receive, in all: 500k, 10m, 1g (KiB, MiB, GiB), like "
            + "rsync's --bwlimit (default: no limit).")
    long bytesPerSecond;
  }

  /** The address an option names, or bad input. */
  static InetAddress address(String option, String value) throws BadInputException {
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new BadInputException(option + ": no such address " + value);
    }
  }

  /** Waits for SIGINT or SIGTERM, which interrupt this (the main) thread and end herd with INTERRUPTED. */
  static Integer untilSignal() throws InterruptedException {
    new CountDownLatch(1).await();
    throw new AssertionError("a latch nobody counts down was released");
  }
}
