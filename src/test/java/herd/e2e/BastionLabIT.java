package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts that only bastions reach, and that cannot reach the controller themselves: herd logs in once to each bastion
 * ({@code -J}, or ProxyJump in the ssh config, as with ssh), carries every host's connection over that one login, and the hosts reach the tracker and
 * the seeder through reverse forwards on their SSH connections while swarming directly among themselves. Needs root:
 * run with -Plab.
 */
class BastionLabIT {
  private static Lab lab;
  private static Payload payload;
  /** The first bastion, which the controller reaches directly. */
  private static String outer;
  /** The second bastion, which only the first reaches. */
  private static String inner;
  /** The hosts pushed to, which only the bastions reach. */
  private static List<String> behind;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(6);
    outer = lab.hosts().get(0);
    inner = lab.hosts().get(1);
    behind = lab.hosts().subList(2, 6);
    payload = Payload.random(dir, "app.bin", 24 * 1024 * 1024 + 7, 9);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  private static List<String> args(String dest, List<String> hosts, String... more) {
    List<String> a = new ArrayList<>(lab.sshArgs());
    int known = a.indexOf("--known-hosts");
    if (List.of(more).contains("--known-hosts")) a.subList(known, known + 2).clear();
    a.addAll(List.of(more));
    a.addAll(List.of(payload.path().toString(), dest, "--hostlist", String.join(",", hosts)));
    return a;
  }

  /** Runs herd while the inner bastion and the hosts behind can neither reach the controller nor be reached by it. */
  private static HerdProcess.Result pushCutOff(List<String> args) throws Exception {
    List<AutoCloseable> cuts = new ArrayList<>();
    try {
      cuts.add(lab.isolateFromController(inner));
      for (String h : behind) cuts.add(lab.isolateFromController(h));
      assertCutOff(behind.get(0));
      return HerdProcess.run(null, args);
    } finally {
      for (AutoCloseable c : cuts) c.close();
    }
  }

  /** {@code host} cannot reach a port open on the controller, which the outer bastion can, nor can we reach it. */
  private static void assertCutOff(String host) throws Exception {
    try (ServerSocket open = new ServerSocket(0, 50, java.net.InetAddress.getByName(Lab.CONTROLLER))) {
      InetSocketAddress here = (InetSocketAddress) open.getLocalSocketAddress();
      assertTrue(lab.canConnect(outer, here), "the outer bastion cannot reach the controller");
      assertFalse(lab.canConnect(host, here), host + " still reaches the controller");
    }
    try (Socket s = new Socket()) {
      assertThrows(IOException.class, () -> s.connect(new InetSocketAddress(host, 22), 2000), "still reach " + host);
    }
  }

  /** The logins on every host behind, so far. */
  private static List<Long> loginsBehind() throws IOException {
    List<Long> counts = new ArrayList<>();
    for (String h : behind) counts.add(lab.logins(h));
    return counts;
  }

  /** Each host behind saw exactly one login since {@code before}, and it came from {@code via}. */
  private static void assertOneLoginEachFrom(String via, List<Long> before) throws IOException {
    for (int i = 0; i < behind.size(); i++) {
      String h = behind.get(i);
      List<String> logins = lab.sshdLog(h).lines().filter(l -> l.contains("Accepted publickey")).skip(before.get(i)).toList();
      assertEquals(1, logins.size(), h + ": " + logins);
      assertTrue(logins.get(0).contains(" from " + via + " "), h + "'s login was not from " + via + ": " + logins);
    }
  }

  /** What the hosts behind have sent so far, together. */
  private static long sentBehind() throws Exception {
    long sum = 0;
    for (String h : behind) sum += lab.sentBytes(h);
    return sum;
  }

  /**
   * The hosts behind swarmed among themselves: together they sent at least half a copy of the file (they send
   * nothing else of any size; fed by the seeder alone, they would send only acknowledgements, about 2% of what they
   * receive). Measured: about 1.7 copies.
   */
  private static void assertHostsSwarmedDirectly(long sentBehindBefore) throws Exception {
    long sent = sentBehind() - sentBehindBefore;
    long size = Files.size(payload.path());
    assertTrue(sent > size / 2, "the hosts behind the bastion sent " + sent + " bytes for a " + size
        + "-byte file: they did not swarm among themselves");
  }

  /** Every host behind has the file and no peer left. */
  private static void assertEveryHostHas(String path) throws Exception {
    for (String h : behind) {
      assertEquals(payload.sha256(), lab.ssh(h, "sha256sum " + path).split(" ")[0], h + ":" + path);
      assertEquals(0, lab.peersLeft(h), "peer still running on " + h);
    }
  }

  @Test
  void reachesHostsThatCannotReachTheControllerThroughOneLoginOnTheBastion() throws Exception {
    long before = lab.logins(outer);
    List<Long> beforeBehind = loginsBehind();
    long sentBefore = sentBehind();
    HerdProcess.Result r = pushCutOff(args("/srv/one/app.bin", behind, "-J", outer));
    assertEquals(0, r.status(), r.stderr());
    assertHostsSwarmedDirectly(sentBefore);
    assertTrue(r.stderr().contains("4 of 4 hosts have /srv/one/app.bin"), r.stderr());
    assertEquals(1, lab.logins(outer) - before, "herd logged in more than once to the bastion:\n" + lab.sshdLog(outer));
    assertOneLoginEachFrom(outer, beforeBehind);
    assertEveryHostHas("/srv/one/app.bin");
  }

  @Test
  void chainsTwoBastionsWithOneLoginEach() throws Exception {
    long outerBefore = lab.logins(outer);
    long innerBefore = lab.logins(inner);
    List<Long> beforeBehind = loginsBehind();
    HerdProcess.Result r = pushCutOff(args("/srv/two/app.bin", behind, "-J", outer + ",root@" + inner));
    assertEquals(0, r.status(), r.stderr());
    assertEquals(1, lab.logins(outer) - outerBefore, lab.sshdLog(outer));
    assertEquals(1, lab.logins(inner) - innerBefore, lab.sshdLog(inner));
    assertTrue(lab.sshdLog(inner).lines().filter(l -> l.contains("Accepted publickey")).reduce((a, b) -> b).orElse("")
        .contains(" from " + outer + " "), "the inner bastion was not reached through the outer one");
    assertOneLoginEachFrom(inner, beforeBehind);
    assertEveryHostHas("/srv/two/app.bin");
  }

  @Test
  void followsEachHostsProxyJumpFromTheSshConfig() throws Exception {
    Path config = Files.writeString(dir.resolve("ssh_config"),
        "Host " + String.join(" ", behind) + "\n  ProxyJump " + outer + "\n");
    long before = lab.logins(outer);
    List<Long> beforeBehind = loginsBehind();
    HerdProcess.Result r = pushCutOff(args("/srv/config/app.bin", behind, "-F", config.toString()));
    assertEquals(0, r.status(), r.stderr());
    assertEquals(1, lab.logins(outer) - before, "herd logged in more than once to the bastion:\n" + lab.sshdLog(outer));
    assertOneLoginEachFrom(outer, beforeBehind);
    assertEveryHostHas("/srv/config/app.bin");
  }

  @Test
  void hostsBehindABastionStillReachTheTrackerWhenBindNamesAnotherAddress() throws Exception {
    long sentBefore = sentBehind();
    HerdProcess.Result r = pushCutOff(args("/srv/bind/app.bin", behind, "-J", outer, "--bind", Lab.CONTROLLER));
    assertEquals(0, r.status(), r.stderr());
    assertHostsSwarmedDirectly(sentBefore);
    assertEveryHostHas("/srv/bind/app.bin");
  }

  @Test
  void aBastionThatFailsFailsEveryHostBehindItNamingIt() throws Exception {
    String nobody = "10.77.0.250";
    List<String> hosts = new ArrayList<>(behind.subList(0, 2));
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/none/app.bin", hosts, "--connect-timeout", "2", "-J", nobody));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("0 of 2 hosts have"), r.stderr());
    for (String h : hosts) {
      assertTrue(r.stderr().contains("  " + h + ": bastion " + nobody + ": "), r.stderr());
    }
  }

  @Test
  void checksTheHostKeysOfBastionsAndOfTheHostsBehindThem() throws Exception {
    List<String> known = Files.readAllLines(Lab.DIR.resolve("known_hosts"));
    List<String> hosts = behind.subList(0, 2);
    Path withoutHost = Files.write(dir.resolve("known-without-host"),
        known.stream().filter(l -> !l.startsWith(hosts.get(0) + " ")).toList());
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/keys/app.bin", hosts, "-J", outer, "--known-hosts", withoutHost.toString()));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("  " + hosts.get(0) + ": host key not in " + withoutHost), r.stderr());
    assertTrue(r.stderr().contains("1 of 2 hosts have"), r.stderr());

    Path withoutBastion = Files.write(dir.resolve("known-without-bastion"),
        known.stream().filter(l -> !l.startsWith(outer + " ")).toList());
    r = HerdProcess.run(null, args("/srv/keys/app.bin", hosts, "-J", outer, "--known-hosts", withoutBastion.toString()));
    assertEquals(1, r.status(), r.stderr());
    for (String h : hosts) {
      assertTrue(r.stderr().contains("  " + h + ": bastion " + outer + ": host key not in " + withoutBastion), r.stderr());
    }
  }

  @Test
  void aHostTheBastionCannotReachFailsAlone() throws Exception {
    String closed = behind.get(0) + ":2";
    List<String> hosts = List.of(closed, behind.get(1));
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/alone/app.bin", hosts, "-J", outer));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("1 of 2 hosts have"), r.stderr());
    assertTrue(r.stderr().contains("  " + closed + ": bastion " + outer + " cannot connect to it: "), r.stderr());
  }
}
