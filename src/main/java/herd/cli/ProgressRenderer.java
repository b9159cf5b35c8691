package herd.cli;

import herd.events.PushEvent;
import herd.events.PushListener;
import herd.hosts.HostSpec;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a push's events on stderr: on a terminal one live line, rewritten in place and cut to the terminal's width
 * so that it never wraps; otherwise a plain progress line every few seconds, for logs. Host failures and retries are
 * always printed as they happen, and the run's summary at its end.
 */
final class ProgressRenderer implements PushListener {
  private static final long LIVE_NANOS = 200_000_000L;
  private static final long PLAIN_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  /** The terminal's width for a live line, or 0 for plain lines. */
  private final int columns;
  private final boolean quiet;
  private final Map<HostSpec, PushEvent.HostProgress> progress = new ConcurrentHashMap<>();
  private final long start = System.nanoTime();
  private int hosts;
  private long size;
  private boolean dryRun;
  private int done;
  private int failed;
  private long lastRender;
  private boolean lineOpen;
  private boolean renderedLast;

  /** @param columns the width of the terminal that stderr is, or 0 when it is none */
  ProgressRenderer(PrintWriter err, int columns, boolean quiet) {
    this.err = err;
    this.columns = columns;
    this.quiet = quiet;
  }

  @Override
  public synchronized void on(PushEvent event) {
    if (event instanceof PushEvent.RunStarted e) {
      hosts = e.hosts();
      size = e.bytes();
      dryRun = e.dryRun();
      if (!quiet) {
        say(String.format("herd: %s %s (%s, %d pieces) to %d hosts", dryRun ? "dry run: checking a push of" : "pushing",
            e.file(), Units.bytes(e.bytes()), e.pieces(), e.hosts()));
      }
    } else if (event instanceof PushEvent.HostChecked e) {
      if (!quiet) {
        say(String.format("%s: Java %s (%s) as %s; %s: %s free for %s, %s%s", e.host(), e.java(), e.javaPath(), e.user(),
            e.target(), Units.bytes(e.free()), Units.bytes(e.needed()), e.writable() ? "writable" : "NOT writable",
            e.present() ? ", already holds this content" : ""));
      }
    } else if (event instanceof PushEvent.HostProgress e) {
      progress.put(e.host(), e);
      maybeRender();
    } else if (event instanceof PushEvent.HostDone e) {
      done++;
      if (columns == 0 && !quiet && !dryRun) say(e.host() + ": done");
      maybeRender();
    } else if (event instanceof PushEvent.HostFailed e) {
      if (e.retrying()) {
        say(e.host() + ": " + e.reason() + " (retrying)");
      } else {
        failed++;
        say(e.host() + ": FAILED: " + e.reason());
      }
      maybeRender();
    } else if (event instanceof PushEvent.RunFinished e) {
      summarize(e);
    }
  }

  private void summarize(PushEvent.RunFinished e) {
    endLine();
    if (dryRun && (!quiet || !e.failures().isEmpty())) {
      err.printf("herd: dry run: %d of %d hosts could take %s, checked in %s; nothing was sent%n", e.done(), e.hosts(),
          e.dest(), Units.seconds(e.elapsed()));
    } else if (!quiet || !e.failures().isEmpty()) {
      err.printf("herd: %d of %d hosts have %s, in %s; %s sent from here%n", e.done(), e.hosts(), e.dest(),
          Units.seconds(e.elapsed()), Units.bytes(e.sent()));
    }
    if (!e.failures().isEmpty()) {
      err.printf("herd: %d failed:%n", e.failures().size());
      for (PushEvent.HostFailed f : e.failures()) err.printf("  %s: %s%n", f.host(), f.reason());
    }
    err.flush();
  }

  private void maybeRender() {
    if (quiet || dryRun) return;
    long now = System.nanoTime();
    boolean last = done + failed == hosts;
    if (last ? renderedLast : now - lastRender < (columns > 0 ? LIVE_NANOS : PLAIN_NANOS)) return;
    renderedLast = last;
    lastRender = now;
    String line = status(now);
    if (columns > 0) {
      // the last column stays free: a line that fills the width wraps on some terminals, and \r then
      // rewrites only its second half
      err.print("\r\033[K" + (line.length() < columns ? line : line.substring(0, columns - 1)));
      lineOpen = true;
      err.flush();
    } else {
      say(line);
    }
  }

  /** Hosts done, and bytes fetched against what was left to fetch: bytes found in place were not sent. */
  private String status(long now) {
    long fetched = 0;
    long present = 0;
    for (PushEvent.HostProgress p : progress.values()) {
      fetched += p.fetched();
      present += p.present();
    }
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    return String.format(Locale.ROOT, "%d/%d hosts done, %d failed, %s of %s, %s/s%s", done, hosts, failed,
        Units.bytes(fetched), Units.bytes(size * hosts - present), Units.bytes((long) (fetched / seconds)),
        present == 0 ? "" : ", " + Units.bytes(present) + " already in place");
  }

  private void say(String line) {
    endLine();
    err.println(line);
    err.flush();
  }

  private void endLine() {
    if (lineOpen) {
      err.print("\r\033[K");
      lineOpen = false;
    }
  }
}
