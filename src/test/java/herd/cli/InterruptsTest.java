package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InterruptsTest {
  /**
   * The main thread as it is in herd: it cleans up when interrupted, returns from the command, then blocks in
   * System.exit (which waits for the shutdown hooks). The hook must exit as soon as the command has returned.
   */
  @Test
  void exitsOnceTheCommandHasReturnedNotAfterTheWholeAllowance() throws Exception {
    CountDownLatch neverEnds = new CountDownLatch(1);
    Interrupts[] interrupts = new Interrupts[1];
    Thread main = new Thread(() -> {
      try {
        new CountDownLatch(1).await(); // the run
      } catch (InterruptedException e) {
        interrupts[0].finished(); // cleaned up, the command returned
      }
      try {
        neverEnds.await(); // System.exit during shutdown
      } catch (InterruptedException ignored) {
        // the test is over
      }
    });
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    interrupts[0] = new Interrupts(main, halted::complete);
    main.start();
    long start = System.nanoTime();
    interrupts[0].onSignal();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(ExitStatus.INTERRUPTED.code, halted.getNow(null));
    assertTrue(millis < Interrupts.CLEANUP_MILLIS, "waited " + millis + " ms, the whole allowance");
    main.interrupt();
  }

  @Test
  void aSignalAfterTheCommandReturnedIsANormalExit() {
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    Interrupts interrupts = new Interrupts(Thread.currentThread(), halted::complete);
    interrupts.finished();
    interrupts.onSignal();
    assertTrue(!halted.isDone() && !Thread.interrupted());
  }
}
