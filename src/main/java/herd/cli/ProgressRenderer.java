package herd.cli;

import herd.events.PushEvent;
import herd.events.PushListener;
import herd.hosts.HostSpec;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a push's events on stderr: on a terminal one live line, rewritten in place; otherwise a plain progress
 * line every few seconds, for logs. Host failures and retries are always printed as they happen.
 */
final class ProgressRenderer implements PushListener {
  private static final long LIVE_NANOS = 200_000_000L;
  private static final long PLAIN_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final boolean live;
  private final boolean quiet;
  private final Map<HostSpec, Long> bytes = new ConcurrentHashMap<>();
  private final long start = System.nanoTime();
  private int hosts;
  private long size;
  private int done;
  private int failed;
  private long lastRender;
  private boolean lineOpen;
  private boolean renderedLast;

  ProgressRenderer(PrintWriter err, boolean live, boolean quiet) {
    this.err = err;
    this.live = live;
    this.quiet = quiet;
  }

  @Override
  public synchronized void on(PushEvent event) {
    if (event instanceof PushEvent.RunStarted e) {
      hosts = e.hosts();
      size = e.bytes();
      if (!quiet) say(String.format("herd: pushing %s (%s, %d pieces) to %d hosts", e.file(), Units.bytes(e.bytes()), e.pieces(), e.hosts()));
    } else if (event instanceof PushEvent.HostProgress e) {
      bytes.put(e.host(), e.bytes());
      maybeRender();
    } else if (event instanceof PushEvent.HostDone e) {
      done++;
      bytes.put(e.host(), size);
      if (!live && !quiet) say(e.host() + ": done");
      maybeRender();
    } else if (event instanceof PushEvent.HostFailed e) {
      if (e.retrying()) {
        say(e.host() + ": " + e.reason() + " (retrying)");
      } else {
        failed++;
        say(e.host() + ": FAILED: " + e.reason());
      }
      maybeRender();
    } else if (event instanceof PushEvent.RunFinished) {
      if (lineOpen) {
        err.print("\r\033[K");
        lineOpen = false;
      }
      err.flush();
    }
  }

  private void maybeRender() {
    if (quiet) return;
    long now = System.nanoTime();
    boolean last = done + failed == hosts;
    if (last ? renderedLast : now - lastRender < (live ? LIVE_NANOS : PLAIN_NANOS)) return;
    renderedLast = last;
    lastRender = now;
    String line = status(now);
    if (live) {
      err.print("\r\033[K" + line);
      lineOpen = true;
      err.flush();
    } else {
      say(line);
    }
  }

  private String status(long now) {
    long total = bytes.values().stream().mapToLong(Long::longValue).sum();
    double seconds = Math.max(1e-3, (now - start) / 1e9);
    return String.format(Locale.ROOT, "%d/%d hosts done, %d failed, %s of %s, %s/s",
        done, hosts, failed, Units.bytes(total), Units.bytes(size * hosts), Units.bytes((long) (total / seconds)));
  }

  private void say(String line) {
    if (lineOpen) {
      err.print("\r\033[K");
      lineOpen = false;
    }
    err.println(line);
    err.flush();
  }
}
