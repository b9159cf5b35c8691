package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** herd against real OpenSSH servers on the namespace lab (scripts/lab). Needs root: run with -Plab. */
class PushLabIT {
  private static Lab lab;
  private static Path source;
  private static String sha256;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(4);
    Payload payload = Payload.random(dir, "payload.bin", 24 * 1024 * 1024 + 4321, 11);
    source = payload.path();
    sha256 = payload.sha256();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  private static List<String> args(String dest, String... more) {
    List<String> a = new ArrayList<>(lab.sshArgs());
    a.add(source.toString());
    a.add(dest);
    a.addAll(List.of(more));
    return a;
  }

  private static void assertEveryHostHas(String path) throws Exception {
    for (String h : lab.hosts()) {
      assertEquals(sha256, lab.ssh(h, "sha256sum " + path).split(" ")[0], h + ":" + path);
      assertEquals("", lab.ssh(h, "ls -a $(dirname " + path + ") | grep -F .part || true").trim(), "temporary file left on " + h);
      assertEquals(0, lab.peersLeft(h), "peer still running on " + h);
    }
  }

  @Test
  void pushesToEveryHostOfAHostsFile() throws Exception {
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/from-file/payload.bin", lab.hostsFile().toString()));
    assertEquals(0, r.status(), r.stderr());
    assertTrue(r.stderr().contains("4 of 4 hosts have /srv/from-file/payload.bin"), r.stderr());
    assertEveryHostHas("/srv/from-file/payload.bin");
  }

  @Test
  void pushesToAHostlist() throws Exception {
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/from-list/", "--hostlist", String.join(",", lab.hosts())));
    assertEquals(0, r.status(), r.stderr());
    assertEveryHostHas("/srv/from-list/payload.bin");
  }

  @Test
  void pushesToHostsReadFromStdin() throws Exception {
    for (String h : lab.hosts()) lab.ssh(h, "mkdir -p /srv/stdin && echo old > /srv/stdin/payload.bin");
    String hosts = "# the lab\n" + String.join("\n", lab.hosts()) + "\n" + lab.hosts().get(0) + "\n";
    HerdProcess.Result r = HerdProcess.run(hosts, args("/srv/stdin"));
    assertEquals(0, r.status(), r.stderr());
    assertEveryHostHas("/srv/stdin/payload.bin");
  }

  @Test
  void anUnreachableHostFailsAloneWithItsReason() throws Exception {
    List<String> hosts = new ArrayList<>(lab.hosts());
    String closedPort = lab.hosts().get(0) + ":2";
    String nobody = "10.77.0.250";
    hosts.add(closedPort);
    hosts.add(nobody);
    HerdProcess.Result r = HerdProcess.run(null,
        args("/srv/partial/payload.bin", "--connect-timeout", "3", "--hostlist", String.join(",", hosts)));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("4 of 6 hosts have"), r.stderr());
    assertTrue(r.stderr().contains(closedPort + ": connection refused"), r.stderr());
    assertTrue(r.stderr().lines().anyMatch(l -> l.startsWith("  " + nobody + ": ")), r.stderr());
    assertEveryHostHas("/srv/partial/payload.bin");
  }

  @Test
  void jsonEventsOnStdoutTellEachHostsStepsAndFailureKindAndARerunSendsNothing() throws Exception {
    String closedPort = lab.hosts().get(0) + ":2";
    List<String> hosts = new ArrayList<>(lab.hosts());
    hosts.add(closedPort);
    List<String> a = args("/srv/json/payload.bin", "--json", "--hostlist", String.join(",", hosts));
    HerdProcess.Result r = HerdProcess.run(null, a);
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("4 of 5 hosts have /srv/json/payload.bin"), "the human summary stays on stderr: " + r.stderr());
    List<JsonNode> events = events(r.stdout());
    for (String h : lab.hosts()) {
      List<String> steps = events.stream().filter(e -> h.equals(e.path("host").asText()))
          .map(e -> e.get("event").asText()).filter(e -> !e.equals("progress")).toList();
      assertEquals(List.of("host_connected", "peer_started", "first_piece", "host_done"), steps, h);
      JsonNode last = events.stream().filter(e -> e.get("event").asText().equals("progress") && h.equals(e.get("host").asText()))
          .reduce((x, y) -> y).orElseThrow();
      assertEquals(Files.size(source), last.get("fetched").asLong(), h);
    }
    JsonNode failed = events.stream().filter(e -> e.get("event").asText().equals("host_failed")).findFirst().orElseThrow();
    assertEquals(closedPort, failed.get("host").asText());
    assertEquals("unreachable", failed.get("kind").asText());
    JsonNode summary = events.get(events.size() - 1);
    assertEquals("run_finished", summary.get("event").asText());
    assertEquals(4, summary.get("done").asInt());
    assertEquals(closedPort, summary.get("failures").get(0).get("host").asText());
    assertTrue(summary.get("sent").asLong() >= Files.size(source), summary.toString());
    assertEveryHostHas("/srv/json/payload.bin");

    HerdProcess.Result again = HerdProcess.run(null, args("/srv/json/payload.bin", "--json", lab.hostsFile().toString()));
    assertEquals(0, again.status(), again.stderr());
    List<JsonNode> rerun = events(again.stdout());
    for (JsonNode e : rerun) {
      if (!e.get("event").asText().equals("progress")) continue;
      assertEquals(0, e.get("fetched").asLong(), e.toString());
      assertEquals(Files.size(source), e.get("present").asLong(), e.toString());
    }
    assertEquals(0, rerun.get(rerun.size() - 1).get("sent").asLong(), again.stdout());
    assertTrue(again.stderr().contains("already in place"), again.stderr());
  }

  @Test
  void aDryRunReportsWhatEachHostWouldMeetAndSendsAndWritesNothing() throws Exception {
    String ready = lab.hosts().get(0);
    String holder = lab.hosts().get(1);
    String blocked = lab.hosts().get(2);
    String dest = "/srv/dry/app/payload.bin";
    assertEquals(0, HerdProcess.run(null, args(dest, "--hostlist", holder)).status());
    lab.ssh(blocked, "mkdir -p /srv/dry && echo in-the-way > /srv/dry/app");

    HerdProcess.Result r = HerdProcess.run(null, args(dest, "--dry-run", "--json", lab.hostsFile().toString()));
    assertEquals(1, r.status(), "a host that a push would fail on fails the dry run: " + r.stderr());
    assertTrue(r.stderr().contains("herd: dry run: 3 of 4 hosts could take " + dest), r.stderr());
    assertTrue(r.stderr().contains(blocked + ": FAILED: ") && r.stderr().contains("Not a directory"), r.stderr());
    List<JsonNode> events = events(r.stdout());
    assertTrue(events.get(0).get("dry_run").asBoolean(), events.get(0).toString());
    for (String h : List.of(ready, holder, lab.hosts().get(3))) {
      JsonNode c = events.stream().filter(e -> e.get("event").asText().equals("host_checked") && h.equals(e.get("host").asText()))
          .findFirst().orElseThrow(() -> new AssertionError(h + " not checked: " + r.stdout()));
      assertEquals(dest, c.get("target").asText(), h);
      assertEquals("root", c.get("user").asText(), h);
      assertEquals(Files.size(source), c.get("needed").asLong(), h);
      assertTrue(c.get("free").asLong() > Files.size(source) && c.get("writable").asBoolean(), c.toString());
      assertEquals(h.equals(holder), c.get("present").asBoolean(), c.toString());
      assertTrue(c.get("problem").isNull(), c.toString());
      assertTrue(c.get("java").asText().startsWith(Runtime.version().feature() + "."), c.toString());
    }
    assertTrue(events.stream().noneMatch(e -> e.get("event").asText().equals("peer_started")), r.stdout());
    JsonNode summary = events.get(events.size() - 1);
    assertEquals(3, summary.get("done").asInt());
    assertEquals(0, summary.get("sent").asLong());
    assertEquals("command_failed", summary.get("failures").get(0).get("kind").asText());

    assertEquals("", lab.ssh(ready, "ls -A /srv/dry 2>/dev/null || true").trim(), "the dry run wrote on " + ready);
    assertEquals("in-the-way", lab.ssh(blocked, "cat /srv/dry/app").trim());
    assertEquals("payload.bin", lab.ssh(holder, "ls -A /srv/dry/app").trim());
    for (String h : lab.hosts()) assertEquals(0, lab.peersLeft(h), "peer still running on " + h);

    HerdProcess.Result fine = HerdProcess.run(null, args(dest, "-n", "--hostlist", ready + "," + holder));
    assertEquals(0, fine.status(), fine.stderr());
    assertTrue(fine.stderr().contains(holder + ": Java ") && fine.stderr().contains("already holds this content"), fine.stderr());
  }

  @Test
  void aChangedFileIsPushedAsItsChangedPieceAlone() throws Exception {
    String dest = "/srv/delta/payload.bin";
    assertEquals(0, HerdProcess.run(null, args(dest, lab.hostsFile().toString())).status());
    long size = Files.size(source);
    long piece = herd.metainfo.Hashing.pieceLengthFor(size);
    // every host's copy gets one byte wrong in the middle: an older version, as far as this push can tell
    for (String h : lab.hosts()) lab.ssh(h, "printf X | dd of=" + dest + " bs=1 seek=" + size / 2 + " conv=notrunc status=none");

    HerdProcess.Result r = HerdProcess.run(null, args(dest, "--json", lab.hostsFile().toString()));
    assertEquals(0, r.status(), r.stderr());
    assertEveryHostHas(dest);
    List<JsonNode> events = events(r.stdout());
    for (String h : lab.hosts()) {
      JsonNode last = events.stream().filter(e -> e.get("event").asText().equals("progress") && h.equals(e.get("host").asText()))
          .reduce((x, y) -> y).orElseThrow();
      assertEquals(size - piece, last.get("present").asLong(), h + ": " + last);
      assertEquals(piece, last.get("fetched").asLong(), h + ": " + last);
    }
    long sent = events.get(events.size() - 1).get("sent").asLong();
    assertTrue(sent >= piece && sent <= lab.hosts().size() * piece, "sent " + sent + " bytes for one changed piece of " + piece);
  }

  /** herd's stdout under --json: JSON objects only, one a line, each with its time and event. */
  private static List<JsonNode> events(String stdout) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      JsonNode e = new ObjectMapper().readTree(line);
      assertTrue(e.has("time") && e.has("event"), line);
      events.add(e);
    }
    return events;
  }

  @Test
  void aSecondRunUploadsNoPeerProgramAndStartsFromTheClassDataArchiveTheFirstLeft() throws Exception {
    assertEquals(0, HerdProcess.run(null, args("/srv/again/payload.bin", lab.hostsFile().toString())).status());
    String files = "/root/.cache/herd/herd-peer-*.jar /root/.cache/herd/herd-peer-*.jsa";
    List<String> before = new ArrayList<>();
    for (String h : lab.hosts()) {
      assertEquals(0, lab.peersLeft(h), h); // the JVM writes the archive as the peer exits
      before.add(lab.ssh(h, "stat -c '%n %i %Y %A' " + files));
      // the archive is one a JVM maps for this jar, as -Xshare:on checks (a truncated one would crash the peer)
      assertEquals(0, lab.sshStatus(h, "cd /root/.cache/herd && java -Xshare:on -XX:SharedArchiveFile=$(ls herd-peer-*.jsa)"
          + " -cp $(ls herd-peer-*.jar) -version"), h);
    }
    HerdProcess.Result second = HerdProcess.run(null, args("/srv/again/payload.bin", lab.hostsFile().toString()));
    assertEquals(0, second.status(), second.stderr());
    for (int i = 0; i < lab.hosts().size(); i++) {
      String h = lab.hosts().get(i);
      assertEquals(0, lab.peersLeft(h), h);
      assertEquals(before.get(i), lab.ssh(h, "stat -c '%n %i %Y %A' " + files), "peer jar or archive rewritten on " + h);
      assertTrue(before.get(i).lines().allMatch(l -> l.endsWith("-r--------") || l.endsWith("-rw-------")), before.get(i));
      // besides the memory of verified files, the jar and its archive: no leftover upload or temporary archive
      assertEquals(2, lab.ssh(h, "ls -A /root/.cache/herd | grep -vx verified").trim().lines().count(), h);
    }
    assertEveryHostHas("/srv/again/payload.bin");
  }

  @Test
  void theTrackerAndSeederListenOnlyWhereHostsReachThisMachineUnlessBindSaysOtherwise() throws Exception {
    String slow = lab.hosts().get(3);
    lab.limitDownload(slow, "20mbit");
    try {
      assertEquals(Set.of("10.77.0.1"), listenAddressesDuringAPush("/srv/bind/payload.bin"));
      assertEquals(Set.of("0.0.0.0"), listenAddressesDuringAPush("/srv/bind-all/payload.bin", "--bind", "0.0.0.0"));
    } finally {
      lab.limitDownload(slow, null);
    }
  }

  /** The addresses herd's tracker and seeder listen on while a push to every host is under way. */
  private static Set<String> listenAddressesDuringAPush(String dest, String... more) throws Exception {
    List<String> a = args(dest, more);
    a.add(lab.hostsFile().toString());
    Path err = dir.resolve("listen.err");
    Process herd = HerdProcess.start(a, err);
    List<String> listening = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (listening.size() < 2 && herd.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      Process ss = new ProcessBuilder("ss", "-Hltnp").start();
      listening = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> l.contains("pid=" + herd.pid() + ","))
          .map(l -> l.trim().split("\\s+")[3])
          .toList();
    }
    assertTrue(herd.waitFor(3, TimeUnit.MINUTES), "herd did not finish");
    assertEquals(0, herd.exitValue(), Files.readString(err));
    assertEquals(2, listening.size(), "herd's listening sockets: " + listening);
    // a Java socket is IPv6 on a dual-stack machine: 10.77.0.1 shows as [::ffff:10.77.0.1], any address as * or [::]
    return listening.stream()
        .map(l -> l.substring(0, l.lastIndexOf(':')).replace("[::ffff:", "").replace("]", "").replace("[::", "*"))
        .map(address -> address.equals("*") ? "0.0.0.0" : address)
        .collect(Collectors.toSet());
  }
}
