package herd.cli;

/**
 * SIGINT and SIGTERM during a run: interrupt the run so that it stops every peer and removes their temporary
 * files, wait for that, then exit with {@link ExitStatus#INTERRUPTED}.
 */
final class Interrupts {
  private static final long CLEANUP_MILLIS = 4_000;

  private final Thread main;
  private volatile boolean finished;

  Interrupts(Thread main) {
    this.main = main;
  }

  /** The command returned; a later shutdown is a normal exit. */
  void finished() {
    finished = true;
  }

  void onSignal() {
    if (finished) return;
    main.interrupt();
    try {
      main.join(CLEANUP_MILLIS);
    } catch (InterruptedException ignored) {
      // exit anyway
    }
    Runtime.getRuntime().halt(ExitStatus.INTERRUPTED.code);
  }
}
