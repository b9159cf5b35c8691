package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * herd logging in as a user that is not root, with and without {@code --sudo}, on hosts with a root filesystem and
 * users of their own: Docker containers of the image {@code scripts/containers image} builds (real OpenSSH and sudo;
 * user {@code deploy} may sudo without a password, {@code asker} only with one; {@code /opt/app} is root's, mode
 * 755). Lab hosts share this machine's root filesystem and users, so they cannot show this. Each container runs this
 * JVM's own JDK, bind-mounted read-only. herd connects to a container's address on Docker's bridge, so the peers
 * reach its tracker and seeder at the bridge's gateway. Needs root and a Docker daemon ({@code scripts/containers
 * daemon}, which .ci/run starts): run with -Plab.
 */
class SudoLabIT {
  private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
  /** Debian's JDK links its conf and security files to here. */
  private static final Path JAVA_CONF = Path.of("/etc/java-" + Runtime.version().feature() + "-openjdk");
  private static final int SIZE = 8 * 1024 * 1024 + 123;

  private static String image;
  @TempDir static Path dir;
  private static Path key;
  private static Payload payload;

  private final List<GenericContainer<?>> containers = new ArrayList<>();
  private Path knownHosts;

  @BeforeAll
  static void setUp() throws Exception {
    image = command(List.of("scripts/containers", "image")).strip().lines().reduce((a, b) -> b).orElseThrow();
    key = dir.resolve("id_ed25519");
    command(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "herd-sudo-test", "-f", key.toString()));
    payload = Payload.random(dir, "app.bin", SIZE, 9);
    Files.setPosixFilePermissions(payload.path(), PosixFilePermissions.fromString("rw-r--r--"));
  }

  @BeforeEach
  void newKnownHosts() throws IOException {
    knownHosts = Files.createTempFile(dir, "known_hosts", "");
  }

  @AfterEach
  void stopContainers() {
    containers.forEach(GenericContainer::stop);
  }

  /** A started host: sshd listening, this JVM's java on its PATH, the test key authorized for every user. */
  private GenericContainer<?> host() {
    GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
        .withFileSystemBind(JAVA_HOME.toString(), JAVA_HOME.toString(), BindMode.READ_ONLY)
        .withCopyFileToContainer(MountableFile.forHostPath(key.resolveSibling("id_ed25519.pub"), 0644),
            "/etc/herd-test/authorized_keys")
        .withCommand("sh", "-c", "ln -s '" + JAVA_HOME + "/bin/java' /usr/local/bin/java && exec /usr/sbin/sshd -D -e")
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withInit(true))
        .waitingFor(Wait.forLogMessage(".*Server listening on 0\\.0\\.0\\.0 port 22.*", 1));
    if (Files.isDirectory(JAVA_CONF)) c.withFileSystemBind(JAVA_CONF.toString(), JAVA_CONF.toString(), BindMode.READ_ONLY);
    containers.add(c);
    c.start();
    return c;
  }

  private static String address(GenericContainer<?> c) {
    return c.getContainerInfo().getNetworkSettings().getIpAddress();
  }

  private List<String> args(String user, GenericContainer<?> c, String... more) {
    List<String> a = new ArrayList<>(List.of("-l", user, "-i", key.toString(), "--known-hosts", knownHosts.toString(),
        "--accept-new-host-keys", "--hostlist", address(c)));
    a.addAll(List.of(more));
    a.add(payload.path().toString());
    a.add("/opt/app/app.bin");
    return a;
  }

  /** Runs {@code command} in the container as root; returns its stdout, failing on a non-zero status. */
  private static String exec(GenericContainer<?> c, String command) throws Exception {
    ExecResult r = c.execInContainer("sh", "-c", command);
    if (r.getExitCode() != 0) fail("`" + command + "` exited " + r.getExitCode() + ": " + r.getStderr());
    return r.getStdout().strip();
  }

  /** The command lines of the peer processes running in the container, one per line ("" for none). */
  private static String peers(GenericContainer<?> c) throws Exception {
    // the bracket keeps the pattern from matching the shell that runs it
    return exec(c, "pgrep -a -f 'herd-pee[r]' || true");
  }

  /** Waits for the container's peers to be gone: sudo hangs up on them when their session ends. */
  private static void assertNoPeerLeft(GenericContainer<?> c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String left;
    while (!(left = peers(c)).isEmpty()) {
      if (System.nanoTime() > deadline) fail("peer still running 20 s after herd ended: " + left);
      Thread.sleep(100);
    }
  }

  @Test
  void aDeployUserWithSudoPlacesTheFileInARootOwnedDirectory() throws Exception {
    GenericContainer<?> c = host();
    HerdProcess.Result r = HerdProcess.run(null, args("deploy", c, "--sudo"));
    assertEquals(0, r.status(), r.stderr());
    assertEquals(payload.sha256() + "  /opt/app/app.bin", exec(c, "sha256sum /opt/app/app.bin"));
    assertEquals("root:root 644", exec(c, "stat -c '%U:%G %a' /opt/app/app.bin"));
    assertEquals("", exec(c, "ls -a /opt/app | grep -F .part || true"), "temporary file left");
    // The jar stays in the login user's cache; the peer's memory, written as root, sits beside it, owner-only.
    assertEquals("deploy", exec(c, "stat -c %U /home/deploy/.cache/herd/herd-peer-*.jar"));
    assertEquals("root 700", exec(c, "stat -c '%U %a' /home/deploy/.cache/herd/verified-root"));
    assertNoPeerLeft(c);
    // root runs no class-data archive the login user could have written, and writes none there
    assertEquals("", exec(c, "ls /home/deploy/.cache/herd | grep -F .jsa || true"));

    HerdProcess.Result again = HerdProcess.run(null, args("deploy", c, "--sudo"));
    assertEquals(0, again.status(), again.stderr());
    assertNoPeerLeft(c);
  }

  @Test
  void withoutSudoTheDeployUserIsRefusedByTheOs() throws Exception {
    GenericContainer<?> c = host();
    HerdProcess.Result r = HerdProcess.run(null, args("deploy", c));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains(address(c) + ": ") && r.stderr().contains("/opt/app/.app.bin.herd-")
        && r.stderr().contains("Permission denied"), r.stderr());
    assertEquals("", exec(c, "ls -A /opt/app"));
    assertNoPeerLeft(c);
  }

  @Test
  void aDryRunSaysWhetherTheLoginOrSudoMayWriteDestAndWritesNothing() throws Exception {
    GenericContainer<?> c = host();
    HerdProcess.Result r = HerdProcess.run(null, args("deploy", c, "--dry-run"));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains(address(c) + ": FAILED: deploy cannot write beside /opt/app/app.bin"), r.stderr());
    HerdProcess.Result sudo = HerdProcess.run(null, args("deploy", c, "--dry-run", "--sudo"));
    assertEquals(0, sudo.status(), sudo.stderr());
    assertTrue(sudo.stderr().contains(" as root; /opt/app/app.bin: ") && sudo.stderr().contains(", writable"), sudo.stderr());
    assertEquals("", exec(c, "ls -A /opt/app"));
    assertNoPeerLeft(c);
  }

  @Test
  void ownerModeAndTimeAreSetAsAskedAndAnExistingOwnerIsKept() throws Exception {
    GenericContainer<?> c = host();
    HerdProcess.Result r = HerdProcess.run(null, args("deploy", c, "--sudo", "--chown", "deploy:deploy", "--chmod", "640", "-p"));
    assertEquals(0, r.status(), r.stderr());
    long mtime = Files.getLastModifiedTime(payload.path()).toMillis() / 1000;
    assertEquals("deploy:deploy 640 " + mtime, exec(c, "stat -c '%U:%G %a %Y' /opt/app/app.bin"));

    // a new version, pushed as root without --chown, keeps the owner and group the file had
    Payload next = Payload.random(dir, "next.bin", SIZE, 10);
    List<String> a = args("deploy", c, "--sudo");
    a.set(a.indexOf(payload.path().toString()), next.path().toString());
    HerdProcess.Result again = HerdProcess.run(null, a);
    assertEquals(0, again.status(), again.stderr());
    assertEquals(next.sha256() + "  /opt/app/app.bin", exec(c, "sha256sum /opt/app/app.bin"));
    assertEquals("deploy:deploy", exec(c, "stat -c '%U:%G' /opt/app/app.bin"));

    // another owner than itself is refused to a login that is not root, before anything is fetched
    List<String> mine = args("deploy", c, "--chown", "root");
    mine.set(mine.size() - 1, "/home/deploy/app.bin");
    HerdProcess.Result refused = HerdProcess.run(null, mine);
    assertEquals(1, refused.status(), refused.stderr());
    assertTrue(refused.stderr().contains("Operation not permitted"), refused.stderr());
    assertEquals("", exec(c, "ls -A /home/deploy | grep app.bin || true"));
    assertNoPeerLeft(c);
  }

  @Test
  void sudoThatWantsAPasswordFailsSayingSo() throws Exception {
    GenericContainer<?> c = host();
    HerdProcess.Result r = HerdProcess.run(null, args("asker", c, "--sudo"));
    assertEquals(1, r.status(), r.stderr());
    assertTrue(r.stderr().contains(address(c) + ": sudo needs a password for asker: allow NOPASSWD for "), r.stderr());
    assertTrue(r.stderr().contains(", or log in as root"), r.stderr());
    assertEquals("", exec(c, "ls -A /opt/app"));
  }

  /**
   * herd interrupted or killed while a peer runs as root leaves no peer behind: the peer is done and serving, held
   * there by a second host whose sshd is frozen (docker pause), so the run cannot end by itself.
   */
  @ParameterizedTest
  @ValueSource(strings = {"INT", "KILL"})
  void stoppingHerdStopsThePeerRunningAsRoot(String signal) throws Exception {
    GenericContainer<?> c = host();
    GenericContainer<?> frozen = host();
    c.getDockerClient().pauseContainerCmd(frozen.getContainerId()).exec();
    try {
      List<String> a = args("deploy", c, "--sudo", "--connect-timeout", "600");
      a.set(a.indexOf("--hostlist") + 1, address(c) + "," + address(frozen));
      Path stderr = dir.resolve("stderr-" + signal + ".txt");
      Process herd = HerdProcess.start(a, stderr);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!exec(c, "test -f /opt/app/app.bin && pgrep -u root -f 'herd-pee[r]' >/dev/null && echo serving || true")
            .equals("serving")) {
          if (!herd.isAlive()) fail("herd ended before it was stopped: " + Files.readString(stderr));
          if (System.nanoTime() > deadline) fail("no peer placed the file as root within 60 s: " + Files.readString(stderr));
          Thread.sleep(100);
        }
        assertTrue(herd.isAlive(), "herd ended while the second host was frozen: " + Files.readString(stderr));
        command(List.of("kill", "-" + signal, Long.toString(herd.pid())));
        assertTrue(herd.waitFor(60, TimeUnit.SECONDS), "herd did not end on SIG" + signal);
        assertNotEquals(0, herd.exitValue(), Files.readString(stderr));
      } finally {
        herd.destroyForcibly();
      }
      assertNoPeerLeft(c);
      assertEquals(payload.sha256() + "  /opt/app/app.bin", exec(c, "sha256sum /opt/app/app.bin"));
    } finally {
      c.getDockerClient().unpauseContainerCmd(frozen.getContainerId()).exec();
    }
  }

  private static String command(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    return out;
  }
}
