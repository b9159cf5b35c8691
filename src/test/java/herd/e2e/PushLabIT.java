package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
      assertEquals(0, lab.peerProcesses(h), "peer still running on " + h);
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
  void aSecondRunUploadsNoPeerProgram() throws Exception {
    assertEquals(0, HerdProcess.run(null, args("/srv/again/payload.bin", lab.hostsFile().toString())).status());
    List<String> before = new ArrayList<>();
    for (String h : lab.hosts()) before.add(lab.ssh(h, "stat -c '%n %i %Y' /root/.cache/herd/herd-peer-*.jar"));
    HerdProcess.Result second = HerdProcess.run(null, args("/srv/again/payload.bin", lab.hostsFile().toString()));
    assertEquals(0, second.status(), second.stderr());
    for (int i = 0; i < lab.hosts().size(); i++) {
      String h = lab.hosts().get(i);
      assertEquals(before.get(i), lab.ssh(h, "stat -c '%n %i %Y' /root/.cache/herd/herd-peer-*.jar"), "peer jar rewritten on " + h);
      // besides the memory of verified files, only the jar: no leftover upload
      assertEquals(1, lab.ssh(h, "ls -A /root/.cache/herd | grep -vx verified").trim().lines().count(), h);
    }
    assertEveryHostHas("/srv/again/payload.bin");
  }
}
