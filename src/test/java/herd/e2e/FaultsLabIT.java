package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the lab: each broken host fails alone, with its reason, and every host ends with the new file or
 * exactly what it had. Needs root: run with -Plab.
 */
class FaultsLabIT {
  private static final String OLD = "old content";
  /** A line logged by sshj, not printed by herd: its classes, a stack frame, an MD5 fingerprint. */
  private static final Pattern LIBRARY_LOG =
      Pattern.compile("net\\.schmizz|hierynomus|MD5|^\\s+at |TransportImpl|KeyExchanger|KnownHosts:");
  private static Lab lab;
  private static Path source;
  private static String sha256;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(5);
    Payload payload = Payload.random(dir, "app.bin", 48 * 1024 * 1024 + 99, 5);
    source = payload.path();
    sha256 = payload.sha256();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  private static String host(int i) {
    return lab.hosts().get(i);
  }

  private static List<String> args(List<String> ssh, String dest, List<String> hosts, String... more) {
    List<String> a = new ArrayList<>(ssh);
    a.addAll(List.of(more));
    a.add(source.toString());
    a.add(dest);
    a.add("--hostlist");
    a.add(String.join(",", hosts));
    return a;
  }

  private static List<String> args(String dest, String... more) {
    return args(lab.sshArgs(), dest, lab.hosts(), more);
  }

  /** Puts {@link #OLD} at {@code path} on every host. */
  private static void seedOld(String path) throws Exception {
    for (String h : lab.hosts()) lab.ssh(h, "mkdir -p $(dirname " + path + ") && printf '" + OLD + "' > " + path);
  }

  private static String contentOf(String h, String path) throws Exception {
    String sum = lab.ssh(h, "sha256sum " + path).split(" ")[0];
    return sum.equals(sha256) ? "new" : lab.ssh(h, "cat " + path).equals(OLD) ? "old" : "other: " + sum;
  }

  /** Every host has the new file or exactly the old one, no temporary file and no peer left. */
  private static void assertNewOrOld(String path, List<String> expectOld) throws Exception {
    for (String h : lab.hosts()) {
      assertEquals(expectOld.contains(h) ? "old" : "new", contentOf(h, path), h);
      assertEquals("", lab.ssh(h, "find $(dirname " + path + ") -name '*.part'").trim(), "temporary file left on " + h);
      assertEquals(0, lab.peersLeft(h), "peer still running on " + h);
    }
  }

  /** The summary gives {@code h}'s reason as exactly {@code regex}. */
  private static void assertReason(HerdProcess.Result r, String h, String regex) {
    String prefix = "  " + h + ": ";
    String reason = r.stderr().lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length())).orElseThrow(() -> new AssertionError("no reason for " + h + " in:\n" + r.stderr()));
    assertTrue(reason.matches(regex), "reason for " + h + ": '" + reason + "', expected /" + regex + "/");
  }

  private static void assertFailedAlone(HerdProcess.Result r, String h, String reason) {
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("  " + h + ": " + reason), "no '" + reason + "' for " + h + " in:\n" + r.stderr());
    assertTrue(r.stderr().contains("herd: " + (lab.hosts().size() - 1) + " of " + lab.hosts().size() + " hosts have"), r.stderr());
  }

  @Test
  void anUnknownHostKeyIsRefusedAndNothingIsSent() throws Exception {
    Path knownHosts = dir.resolve("partial_known_hosts");
    List<String> lines = Files.readAllLines(Lab.DIR.resolve("known_hosts"));
    Files.write(knownHosts, lines.stream().filter(l -> !l.startsWith(host(0) + " ")).toList());
    List<String> ssh = List.of("-l", "root", "-i", Lab.DIR.resolve("id_ed25519").toString(), "--known-hosts", knownHosts.toString());
    seedOld("/srv/unknown/app.bin");
    lab.ssh(host(0), "rm -rf /root/.cache/herd");
    HerdProcess.Result r = HerdProcess.run(null, args(ssh, "/srv/unknown/app.bin", lab.hosts()));
    assertFailedAlone(r, host(0), "host key not in " + knownHosts);
    assertNewOrOld("/srv/unknown/app.bin", List.of(host(0)));
    assertEquals("", lab.ssh(host(0), "ls /root/.cache/herd 2>/dev/null || true").trim(), "the peer program was sent");
  }

  @Test
  void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
    Path key = dir.resolve("impostor");
    Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start();
    assertEquals(0, keygen.waitFor());
    String impostor = Files.readString(dir.resolve("impostor.pub")).trim().split(" ")[1];
    Path knownHosts = dir.resolve("changed_known_hosts");
    List<String> lines = new ArrayList<>(Files.readAllLines(Lab.DIR.resolve("known_hosts")).stream()
        .filter(l -> !l.startsWith(host(1) + " ")).toList());
    lines.add(host(1) + " ssh-ed25519 " + impostor);
    Files.write(knownHosts, lines);
    List<String> ssh = List.of("-l", "root", "-i", Lab.DIR.resolve("id_ed25519").toString(), "--known-hosts", knownHosts.toString());
    seedOld("/srv/changed/app.bin");
    HerdProcess.Result r = HerdProcess.run(null, args(ssh, "/srv/changed/app.bin", lab.hosts(), "--accept-new-host-keys"));
    assertFailedAlone(r, host(1), "HOST KEY CHANGED");
    assertNewOrOld("/srv/changed/app.bin", List.of(host(1)));
    assertEquals(lines, Files.readAllLines(knownHosts), "known_hosts was changed");
    // sshj's own log lines (an MD5 fingerprint, a stack trace) stay off the terminal without -v
    for (String line : r.stderr().lines().toList()) {
      assertFalse(LIBRARY_LOG.matcher(line).find(), "not herd's own output: '" + line + "' in:\n" + r.stderr());
    }
    HerdProcess.Result verbose = HerdProcess.run(null, args(ssh, "/srv/changed/app.bin", List.of(host(1)), "-v"));
    assertEquals(1, verbose.status(), verbose.stderr());
    assertTrue(verbose.stderr().lines().anyMatch(l -> LIBRARY_LOG.matcher(l).find()), "-v shows sshj's log:\n" + verbose.stderr());
  }

  @Test
  void aFailedLoginIsNamed() throws Exception {
    Path stranger = dir.resolve("stranger");
    assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()).start().waitFor());
    List<String> ssh = List.of("-l", "root", "-i", stranger.toString(), "--known-hosts", Lab.DIR.resolve("known_hosts").toString());
    HerdProcess.Result r = HerdProcess.run(null, args(ssh, "/srv/auth/app.bin", List.of(host(2))));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains("  " + host(2) + ": authentication failed for root"), r.stderr());
  }

  @Test
  void aHostWithAnOldJavaOrNoneFailsWithWhatWasFound() throws Exception {
    // Host 3's java refuses the peer's classes in Java 11's words (no JDK older than 17 is packaged for this machine):
    // herd runs it as the peer, with no version check first, and reads the refusal.
    Path java11 = Lab.DIR.resolve("h4/tmp/java11");
    Files.writeString(java11, "#!/bin/sh\necho 'Error: LinkageError occurred while loading main class herd.peer.PeerMain'\n"
        + "echo '\tjava.lang.UnsupportedClassVersionError: herd/peer/PeerMain has been compiled by a more recent version of"
        + " the Java Runtime (class file version 61.0), this version of the Java Runtime only recognizes class file versions"
        + " up to 55.0'\nexit 1\n");
    Files.setPosixFilePermissions(java11, PosixFilePermissions.fromString("rwxr-xr-x"));
    lab.ssh(host(3), "mount --bind /tmp/java11 \"$(readlink -f /usr/bin/java)\"");
    lab.ssh(host(4), "mount -t tmpfs tmpfs /usr/lib/jvm");
    try {
      seedOld("/srv/java/app.bin");
      HerdProcess.Result r = HerdProcess.run(null, args("/srv/java/app.bin", "--json"));
      assertEquals(1, r.status(), r.stderr());
      assertTrue(r.stderr().contains("  " + host(3) + ": java 11 found (/usr/bin/java), 17 or newer needed"), r.stderr());
      assertTrue(r.stderr().contains("  " + host(4) + ": java not found"), r.stderr());
      assertTrue(r.stdout().contains("\"event\":\"host_failed\",\"host\":\"" + host(3) + "\",\"kind\":\"old_java\""), r.stdout());
      assertTrue(r.stdout().contains("\"event\":\"host_failed\",\"host\":\"" + host(4) + "\",\"kind\":\"no_java\""), r.stdout());
      assertNewOrOld("/srv/java/app.bin", List.of(host(3), host(4)));
    } finally {
      lab.ssh(host(3), "umount \"$(readlink -f /usr/bin/java)\"");
      lab.ssh(host(4), "umount /usr/lib/jvm");
    }
  }

  @Test
  void anUnwritableDestinationFailsThatHostAndKeepsItsFile() throws Exception {
    seedOld("/srv/ro/app.bin");
    lab.ssh(host(0), "mount --bind /srv/ro /srv/ro && mount -o remount,bind,ro /srv/ro");
    try {
      HerdProcess.Result r = HerdProcess.run(null, args("/srv/ro/app.bin"));
      assertFailedAlone(r, host(0), "");
      assertReason(r, host(0), "cannot create the temporary file: /srv/ro/\\.app\\.bin\\.herd-[0-9a-f]+\\.part: Read-only file system");
      assertNewOrOld("/srv/ro/app.bin", List.of(host(0)));
    } finally {
      lab.ssh(host(0), "umount /srv/ro");
    }
  }

  @Test
  void aDiskFillingUpMidTransferFailsThatHostAndKeepsItsFile() throws Exception {
    lab.ssh(host(1), "mkdir -p /srv/small && mount -t tmpfs -o size=8m tmpfs /srv/small");
    try {
      seedOld("/srv/small/app.bin");
      HerdProcess.Result r = HerdProcess.run(null, args("/srv/small/app.bin"));
      assertFailedAlone(r, host(1), "");
      assertReason(r, host(1),
          "cannot write the temporary file: /srv/small/\\.app\\.bin\\.herd-[0-9a-f]+\\.part: No space left on device");
      assertNewOrOld("/srv/small/app.bin", List.of(host(1)));
    } finally {
      lab.ssh(host(1), "umount /srv/small");
    }
  }

  @Test
  void aParentThatIsARegularFileFailsThatHostWithNotADirectory() throws Exception {
    for (String h : lab.hosts()) lab.ssh(h, "rm -rf /srv/regfile");
    lab.ssh(host(2), "printf x > /srv/regfile");
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/regfile/sub"));
    assertFailedAlone(r, host(2), "cannot prepare /srv/regfile/sub: /srv/regfile: Not a directory");
    assertEquals("x", lab.ssh(host(2), "cat /srv/regfile"));
  }

  @Test
  void aPeerKilledMidTransferIsBroughtBackByRetry() throws Exception {
    lab.limitDownload(host(2), "40mbit");
    try {
      Path err = dir.resolve("retry.err");
      Process herd = HerdProcess.start(args("/srv/killed/app.bin", "--retry", "1"), err);
      awaitPartFile(host(2), "/srv/killed");
      lab.ssh(host(2), "pkill -KILL -f 'herd-pee[r]'");
      assertTrue(herd.waitFor(3, TimeUnit.MINUTES), "herd did not finish");
      String stderr = Files.readString(err);
      assertEquals(0, herd.exitValue(), stderr);
      assertTrue(stderr.contains(host(2) + ": peer program exited") && stderr.contains("(retrying)"), stderr);
      assertNewOrOld("/srv/killed/app.bin", List.of());
    } finally {
      lab.limitDownload(host(2), null);
    }
  }

  @Test
  void aPeerServingCorruptBlocksIsDroppedAndTheOthersStillGetTheRightBytes() throws Exception {
    String path = "/srv/corrupt/app.bin";
    seedOld(path);
    assertEquals(0, HerdProcess.run(null, args(lab.sshArgs(), path, List.of(host(0)))).status());
    List<String> others = lab.hosts().subList(1, lab.hosts().size());
    for (String h : others) lab.limitDownload(h, "40mbit");
    try {
      Path err = dir.resolve("corrupt.err");
      Process herd = HerdProcess.start(args(path, "--verbose"), err);
      // host 0 already holds the file, verifies it and serves it; once it says so, its bytes turn to garbage in
      // place (the same inode it serves from) while the slowed hosts still need most of their pieces
      awaitLine(err, host(0) + ": done");
      lab.ssh(host(0), "dd if=/dev/urandom of=" + path + " bs=1M count=48 conv=notrunc status=none");
      assertTrue(herd.waitFor(3, TimeUnit.MINUTES), "herd did not finish");
      String stderr = Files.readString(err);
      assertEquals(0, herd.exitValue(), stderr);
      assertTrue(stderr.lines().anyMatch(l -> l.contains("from /" + host(0) + ":") && l.contains("failed its hash; dropping that peer")),
          stderr);
      for (String h : others) {
        assertEquals("new", contentOf(h, path), h);
        assertEquals("", lab.ssh(h, "find /srv/corrupt -name '*.part'").trim(), "temporary file left on " + h);
      }
    } finally {
      for (String h : others) lab.limitDownload(h, null);
    }
  }

  @Test
  void anInterruptedControllerLeavesNothingBehindWithinFiveSeconds() throws Exception {
    for (String signal : List.of("INT", "TERM")) {
      String path = "/srv/sig" + signal + "/app.bin";
      seedOld(path);
      lab.limitDownload(host(3), "40mbit");
      try {
        Path err = dir.resolve("sig" + signal + ".err");
        Process herd = HerdProcess.start(args(path), err);
        awaitPartFile(host(3), "/srv/sig" + signal);
        long sent = System.nanoTime();
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(herd.pid())).start().waitFor());
        assertTrue(herd.waitFor(5, TimeUnit.SECONDS), "herd still running 5 s after SIG" + signal);
        assertEquals(130, herd.exitValue(), Files.readString(err));
        awaitNothingLeft(path, sent, 5);
        for (String h : lab.hosts()) {
          String c = contentOf(h, path);
          assertTrue(c.equals("new") || c.equals("old"), h + ": " + c);
        }
        assertEquals("old", contentOf(host(3), path), "the slow host cannot have finished");
      } finally {
        lab.limitDownload(host(3), null);
      }
    }
  }

  /**
   * Killed once one host has placed the file and serves on under the tracker's lease, its SSH session closed, while
   * another still fetches: both kinds of peer find the tracker gone and exit, and the placed file stays.
   */
  @Test
  void peersOfAKilledControllerExitByThemselvesWithinTenSecondsDoneOrNot() throws Exception {
    String path = "/srv/sigkill/app.bin";
    seedOld(path);
    // 48 MiB at 8 Mbit/s take 50 s: the others are done long before, whenever each started
    lab.limitDownload(host(4), "8mbit");
    try {
      Process herd = HerdProcess.start(args(path), dir.resolve("sigkill.err"));
      awaitDoneAndFetching(host(0), host(4), path);
      assertTrue(lab.peerProcesses(host(0)) > 0, "the host that placed the file no longer serves");
      herd.destroyForcibly();
      long killed = System.nanoTime();
      herd.waitFor();
      awaitNothingLeft(path, killed, 10);
      assertEquals("new", contentOf(host(0), path));
      assertEquals("old", contentOf(host(4), path));
    } finally {
      lab.limitDownload(host(4), null);
    }
  }

  /** Waits until {@code done} has the new file at {@code path} while {@code fetching} is writing it. */
  private static void awaitDoneAndFetching(String done, String fetching, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String find = "find $(dirname " + path + ") -name '*.part'";
    while (System.nanoTime() < deadline) {
      if (contentOf(done, path).equals("new") && !lab.ssh(fetching, find).isBlank()) return;
      Thread.sleep(100);
    }
    throw new AssertionError("within 60 s: " + done + " has " + contentOf(done, path) + ", " + fetching + " has "
        + contentOf(fetching, path) + " and temporary files '" + lab.ssh(fetching, find).trim() + "'");
  }

  /** Waits until herd's stderr, in {@code file}, has a line containing {@code text}. */
  private static void awaitLine(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.readString(file).contains(text)) return;
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + text + "' within 60 s in:\n" + Files.readString(file));
  }

  /** Waits until the slow host has started writing: the transfer is under way. */
  private static void awaitPartFile(String h, String dirPath) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!lab.ssh(h, "find " + dirPath + " -name '*.part' 2>/dev/null || true").isBlank()) return;
      Thread.sleep(100);
    }
    throw new AssertionError("the transfer to " + h + " never started");
  }

  /** Waits, at most {@code seconds} after {@code since}, until no host has a peer or a temporary file. */
  private static void awaitNothingLeft(String path, long since, int seconds) throws Exception {
    String left = "";
    while (System.nanoTime() - since < TimeUnit.SECONDS.toNanos(seconds)) {
      left = "";
      for (String h : lab.hosts()) {
        if (lab.peerProcesses(h) > 0) left += h + " runs a peer; ";
        if (!lab.ssh(h, "find $(dirname " + path + ") -name '*.part'").isBlank()) left += h + " has a temporary file; ";
      }
      if (left.isEmpty()) return;
      Thread.sleep(200);
    }
    throw new AssertionError(seconds + " s later: " + left);
  }
}
