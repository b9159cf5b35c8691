package herd.cli;

import herd.events.PushEvent;
import herd.events.PushListener;
import herd.hosts.HostSpec;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a push's events as JSON Lines ({@code --json}): one object per event and line, each with its {@code time}
 * (UTC, ISO-8601, in milliseconds) and its {@code event} name. The README's "JSON events" section is the schema.
 * A host's {@code progress} is written once a second at most, and always before its {@code host_done}.
 */
final class JsonEvents implements PushListener {
  private static final long PROGRESS_MILLIS = 1000;

  private final PrintWriter out;
  private final Clock clock;
  /** When each host's progress was last written, and its newest progress not yet written. */
  private final Map<HostSpec, Long> written = new HashMap<>();
  private final Map<HostSpec, PushEvent.HostProgress> pending = new HashMap<>();

  JsonEvents(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public synchronized void on(PushEvent event) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (event instanceof PushEvent.HostProgress e) {
      Long last = written.get(e.host());
      if (last != null && now.toEpochMilli() - last < PROGRESS_MILLIS) {
        pending.put(e.host(), e);
        return;
      }
      written.put(e.host(), now.toEpochMilli());
      pending.remove(e.host());
    } else if (event instanceof PushEvent.HostDone e) {
      PushEvent.HostProgress last = pending.remove(e.host());
      if (last != null) write(now, last);
    }
    write(now, event);
  }

  private void write(Instant now, PushEvent event) {
    out.println(object(now, event));
    out.flush();
  }

  static String object(Instant time, PushEvent event) {
    Json o = new Json().field("time", time.toString());
    if (event instanceof PushEvent.RunStarted e) {
      o.field("event", "run_started").field("file", e.file()).field("dest", e.dest()).field("bytes", e.bytes())
          .field("pieces", e.pieces()).field("hosts", e.hosts()).field("dry_run", e.dryRun());
    } else if (event instanceof PushEvent.HostChecked e) {
      o.field("event", "host_checked").field("host", e.host().toString()).field("java_path", e.javaPath())
          .field("java", e.java()).field("user", e.user()).field("target", e.target()).field("free", e.free())
          .field("needed", e.needed()).field("writable", e.writable()).field("present", e.present())
          .field("problem", e.problem());
    } else if (event instanceof PushEvent.HostConnected e) {
      o.field("event", "host_connected").field("host", e.host().toString()).field("user", e.user())
          .field("attempt", e.attempt());
    } else if (event instanceof PushEvent.PeerStarted e) {
      o.field("event", "peer_started").field("host", e.host().toString()).field("uploaded", e.uploaded());
    } else if (event instanceof PushEvent.FirstPiece e) {
      o.field("event", "first_piece").field("host", e.host().toString());
    } else if (event instanceof PushEvent.HostProgress e) {
      o.field("event", "progress").field("host", e.host().toString()).field("fetched", e.fetched())
          .field("present", e.present());
    } else if (event instanceof PushEvent.HostDone e) {
      o.field("event", "host_done").field("host", e.host().toString()).field("path", e.path());
    } else if (event instanceof PushEvent.HostFailed e) {
      o.field("event", "host_failed");
      failure(o, e).field("retrying", e.retrying());
    } else if (event instanceof PushEvent.RunFinished e) {
      List<String> failures = e.failures().stream().map(f -> failure(new Json(), f).toString()).toList();
      o.field("event", "run_finished").field("dest", e.dest()).field("hosts", e.hosts()).field("done", e.done())
          .field("failed", e.failures().size()).raw("failures", "[" + String.join(",", failures) + "]")
          .field("sent", e.sent()).raw("seconds", String.format(Locale.ROOT, "%.3f", e.elapsed().toMillis() / 1000.0));
    }
    return o.toString();
  }

  private static Json failure(Json o, PushEvent.HostFailed f) {
    return o.field("host", f.host().toString()).field("kind", f.kind()).field("reason", f.reason());
  }

  /** One flat JSON object, its fields in the order added. */
  private static final class Json {
    private final StringBuilder sb = new StringBuilder("{");

    Json field(String name, String value) {
      if (value == null) return raw(name, "null");
      StringBuilder quoted = new StringBuilder("\"");
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '"' -> quoted.append("\\\"");
          case '\\' -> quoted.append("\\\\");
          case '\n' -> quoted.append("\\n");
          case '\r' -> quoted.append("\\r");
          case '\t' -> quoted.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x2028 || c == 0x2029) quoted.append(String.format("\\u%04x", (int) c));
            else quoted.append(c);
          }
        }
      }
      return raw(name, quoted.append('"').toString());
    }

    Json field(String name, long value) {
      return raw(name, Long.toString(value));
    }

    Json field(String name, boolean value) {
      return raw(name, Boolean.toString(value));
    }

    /** {@code value} is JSON already. */
    Json raw(String name, String value) {
      if (sb.length() > 1) sb.append(',');
      sb.append('"').append(name).append("\":").append(value);
      return this;
    }

    @Override
    public String toString() {
      return sb + "}";
    }
  }
}
