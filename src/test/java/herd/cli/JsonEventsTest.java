package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import herd.events.PushEvent;
import herd.hosts.HostSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --json}'s lines, read back by an independent parser (Jackson). */
class JsonEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HostSpec WEB1 = new HostSpec("deploy", "web1", 2222);
  private static final HostSpec V6 = new HostSpec(null, "fe80::1", 22);

  private final StringWriter out = new StringWriter();
  private Instant now = Instant.parse("2026-12-03T10:15:30.250Z");
  private final JsonEvents events = new JsonEvents(new PrintWriter(out), new Clock() {
    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  });

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString().split("\n")) nodes.add(JSON.readTree(line));
    return nodes;
  }

  @Test
  void everyEventIsOneObjectPerLineWithItsTimeAndName() throws Exception {
    events.on(new PushEvent.RunStarted("app.bin", "/srv/app.bin", 1000, 1, 2, false));
    events.on(new PushEvent.HostConnected(WEB1, "deploy", 1));
    events.on(new PushEvent.PeerStarted(WEB1, true));
    events.on(new PushEvent.FirstPiece(WEB1));
    events.on(new PushEvent.HostProgress(WEB1, 600, 400));
    events.on(new PushEvent.HostDone(WEB1, "/srv/app.bin"));
    PushEvent.HostFailed failed = new PushEvent.HostFailed(V6, "command_failed", "cannot write \"/srv\": no space\n\tleft", false);
    events.on(failed);
    events.on(new PushEvent.RunFinished("/srv/app.bin", 2, 1, List.of(failed), 1000, Duration.ofMillis(12345)));

    List<JsonNode> l = lines();
    assertEquals(List.of("run_started", "host_connected", "peer_started", "first_piece", "progress", "host_done",
        "host_failed", "run_finished"), l.stream().map(n -> n.get("event").asText()).toList());
    for (JsonNode n : l) assertEquals("2026-12-03T10:15:30.250Z", n.get("time").asText());
    assertEquals("/srv/app.bin", l.get(0).get("dest").asText());
    assertEquals(1000, l.get(0).get("bytes").asLong());
    assertEquals("deploy@web1:2222", l.get(1).get("host").asText());
    assertEquals(1, l.get(1).get("attempt").asInt());
    assertEquals(true, l.get(2).get("uploaded").asBoolean());
    assertEquals(600, l.get(4).get("fetched").asLong());
    assertEquals(400, l.get(4).get("present").asLong());
    assertEquals("fe80::1", l.get(6).get("host").asText());
    assertEquals("command_failed", l.get(6).get("kind").asText());
    assertEquals("cannot write \"/srv\": no space\n\tleft", l.get(6).get("reason").asText());
    assertEquals(false, l.get(6).get("retrying").asBoolean());
    JsonNode summary = l.get(7);
    assertEquals(1, summary.get("done").asInt());
    assertEquals(1, summary.get("failed").asInt());
    assertEquals("fe80::1", summary.get("failures").get(0).get("host").asText());
    assertEquals("command_failed", summary.get("failures").get(0).get("kind").asText());
    assertEquals(1000, summary.get("sent").asLong());
    assertEquals(12.345, summary.get("seconds").asDouble());
  }

  @Test
  void controlCharactersAndLineSeparatorsAreEscapedSoThatAnEventStaysOneLine() throws Exception {
    String reason = "a\u0000b\u001fc\u2028d\\e";
    events.on(new PushEvent.HostFailed(WEB1, "unreachable", reason, true));
    assertEquals(1, out.toString().lines().count(), out.toString());
    assertEquals(reason, lines().get(0).get("reason").asText());
  }

  @Test
  void aHostsProgressIsWrittenOnceASecondAndItsNewestBeforeItIsDone() throws Exception {
    events.on(new PushEvent.HostProgress(WEB1, 100, 0));
    now = now.plusMillis(250);
    events.on(new PushEvent.HostProgress(WEB1, 200, 0));
    events.on(new PushEvent.HostProgress(V6, 50, 0));
    now = now.plusMillis(250);
    events.on(new PushEvent.HostProgress(WEB1, 300, 0));
    events.on(new PushEvent.HostDone(WEB1, "/srv/app.bin"));
    now = now.plusMillis(1000);
    events.on(new PushEvent.HostProgress(V6, 70, 0));

    List<String> written = lines().stream()
        .map(n -> n.get("event").asText() + " " + n.get("host").asText() + (n.has("fetched") ? " " + n.get("fetched").asLong() : ""))
        .toList();
    assertEquals(List.of("progress deploy@web1:2222 100", "progress fe80::1 50", "progress deploy@web1:2222 300",
        "host_done deploy@web1:2222", "progress fe80::1 70"), written);
  }
}
