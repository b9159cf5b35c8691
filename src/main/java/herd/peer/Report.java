package herd.peer;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What a {@link PeerRun} tells whoever started it. A peer started by a push writes it on stdout for herd, one
 * event per line ({@link #lines}): {@code present BYTES}, {@code progress BYTES}, {@code done PATH}, {@code fail
 * REASON}. Anything else a peer prints there is logged by herd and otherwise ignored.
 */
public interface Report {
  String PRESENT = "present";
  String PROGRESS = "progress";
  String DONE = "done";
  String FAIL = "fail";

  /** How many bytes were found verified in place before any was fetched; they count in {@link #progress} too. */
  void present(long bytes);

  /** How many bytes are verified so far. */
  void progress(long bytes);

  /** The content is in place at {@code target}. */
  void done(Path target);

  /** The run failed, for {@code reason}; nothing was placed. */
  void fail(String reason);

  /** Writes each event as a line on {@code out}. */
  static Report lines(PrintStream out) {
    return new Report() {
      @Override
      public void present(long bytes) {
        line(PRESENT, bytes);
      }

      @Override
      public void progress(long bytes) {
        line(PROGRESS, bytes);
      }

      @Override
      public void done(Path target) {
        line(DONE, target);
      }

      @Override
      public void fail(String reason) {
        line(FAIL, reason);
      }

      private void line(String kind, Object value) {
        synchronized (out) {
          out.println(kind + " " + String.valueOf(value).replace('\n', ' '));
          out.flush();
        }
      }
    };
  }
}
