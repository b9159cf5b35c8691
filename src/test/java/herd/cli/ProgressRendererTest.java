package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.events.PushEvent;
import herd.hosts.HostSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a push prints on stderr, rendered from its events. */
class ProgressRendererTest {
  private static final HostSpec A = new HostSpec(null, "web1", 22);
  private static final HostSpec B = new HostSpec(null, "web2", 22);
  private static final long MIB = 1 << 20;

  private final StringWriter err = new StringWriter();

  @Test
  void onANarrowTerminalTheLiveLineIsCutSoThatItNeverWraps() {
    ProgressRenderer r = new ProgressRenderer(new PrintWriter(err), 50, false);
    r.on(new PushEvent.RunStarted("app.bin", "/srv/app.bin", 512 * MIB, 512, 2, false));
    r.on(new PushEvent.HostProgress(A, 100 * MIB, 0));
    r.on(new PushEvent.HostDone(A, "/srv/app.bin"));
    r.on(new PushEvent.HostDone(B, "/srv/app.bin"));
    // the live line is each text after a carriage return and an erase that no newline ends (printed lines may wrap:
    // they are written once)
    List<String> live = List.of(err.toString().split("\r\033\\[K")).stream().filter(t -> !t.contains("\n")).toList();
    assertEquals(2, live.size(), err.toString());
    for (String line : live) assertEquals(49, line.length(), "the live line at 50 columns: " + line);
    assertTrue(live.get(1).startsWith("2/2 hosts done"), live.toString());
  }

  @Test
  void bytesFoundInPlaceAreNotCountedAsSent() {
    ProgressRenderer r = new ProgressRenderer(new PrintWriter(err), 0, false);
    r.on(new PushEvent.RunStarted("app.bin", "/srv/app.bin", 2048 * MIB, 2048, 2, false));
    r.on(new PushEvent.HostProgress(A, 0, 2048 * MIB));
    r.on(new PushEvent.HostDone(A, "/srv/app.bin"));
    r.on(new PushEvent.HostProgress(B, 0, 2048 * MIB));
    r.on(new PushEvent.HostDone(B, "/srv/app.bin"));
    String last = err.toString().lines().filter(l -> l.startsWith("2/2 hosts done")).findFirst().orElseThrow();
    assertTrue(last.startsWith("2/2 hosts done, 0 failed, 0 B of 0 B, 0 B/s, 4.0 GiB already in place"), last);
  }

  @Test
  void theSummaryNamesEveryFailedHostAndEndsTheLiveLineFirst() {
    ProgressRenderer r = new ProgressRenderer(new PrintWriter(err), 80, false);
    r.on(new PushEvent.RunStarted("app.bin", "/srv/app.bin", MIB, 1, 2, false));
    r.on(new PushEvent.HostProgress(A, MIB / 2, 0));
    PushEvent.HostFailed failed = new PushEvent.HostFailed(B, PushEvent.HostFailed.INTERRUPTED, "interrupted", false);
    r.on(new PushEvent.RunFinished("/srv/app.bin", 2, 0, List.of(failed), 3 * MIB / 2, Duration.ofMillis(2500)));
    String out = err.toString();
    assertTrue(out.endsWith("\r\033[Kherd: 0 of 2 hosts have /srv/app.bin, in 2.5 s; 1.5 MiB sent from here\n"
        + "herd: 1 failed:\n  web2: interrupted\n"), out);
  }

  @Test
  void quietPrintsOnlyFailures() {
    ProgressRenderer r = new ProgressRenderer(new PrintWriter(err), 0, true);
    r.on(new PushEvent.RunStarted("app.bin", "/srv/app.bin", MIB, 1, 1, false));
    r.on(new PushEvent.HostProgress(A, MIB, 0));
    r.on(new PushEvent.HostDone(A, "/srv/app.bin"));
    r.on(new PushEvent.RunFinished("/srv/app.bin", 1, 1, List.of(), MIB, Duration.ofSeconds(1)));
    assertEquals("", err.toString());
  }
}
