package herd.peer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

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
  /** A dry run's one line, instead of the others: {@link Check#encode}. */
  String CHECKED = "checked";

  /**
   * What a push would meet on a host ({@code herd push --dry-run}): the peer's Java, the user it runs as (root under
   * sudo), the space free where the content would be written against the content's size, whether that user may write
   * there, whether the content is there already (a file's), and where it would go.
   */
  record Check(String java, String user, long free, long needed, boolean writable, boolean present, String target) {
    /** Space-separated, the target last: it may hold spaces. */
    public String encode() {
      return java + " " + user + " " + free + " " + needed + " " + writable + " " + present + " " + target;
    }

    public static Check decode(String line) {
      String[] f = line.split(" ", 7);
      if (f.length != 7) throw new IllegalArgumentException("not a check: " + line);
      return new Check(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Boolean.parseBoolean(f[4]),
          Boolean.parseBoolean(f[5]), f[6]);
    }

    /** Why a push would fail here, or null if it would place the content. */
    public String problem() {
      if (!writable && !present) return user + " cannot write beside " + target;
      if (!present && free < needed) {
        return String.format(Locale.ROOT, "%.1f MiB free beside %s, %.1f MiB needed", free / 1048576.0,
            target, needed / 1048576.0);
      }
      return null;
    }
  }

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
