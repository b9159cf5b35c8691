package herd.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * SIGINT and SIGTERM during a run: interrupt the run so that it stops every peer and removes their temporary
 * files, wait for that (at most {@link #CLEANUP_MILLIS}), then exit with {@link ExitStatus#INTERRUPTED}.
 *
 * <p>It waits for the command to return, not for the main thread to end: the main thread then calls
 * {@code System.exit}, which blocks while shutdown hooks run, so waiting for it to end always took the whole allowance.
 */
final class Interrupts {
  static final long CLEANUP_MILLIS = 4_000;

  private final Thread main;
  private final IntConsumer halt;
  private final CountDownLatch returned = new CountDownLatch(1);

  /** {@code halt} ends the process with a status without running shutdown hooks, as {@link Runtime#halt} does. */
  Interrupts(Thread main, IntConsumer halt) {
    this.main = main;
    this.halt = halt;
  }

  /** The command returned; a later shutdown is a normal exit. */
  void finished() {
    returned.countDown();
  }

  void onSignal() {
    if (returned.getCount() == 0) return;
    main.interrupt();
    try {
      returned.await(CLEANUP_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException ignored) {
      // exit anyway
    }
    halt.accept(ExitStatus.INTERRUPTED.code);
  }
}
