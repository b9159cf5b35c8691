package herd.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.hosts.HostSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RemoteSessionTest {
  private static LocalSshd sshd;

  @TempDir Path tmp;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = LocalSshd.start();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void connectsAndRunsCommands() throws Exception {
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      assertEquals("hi\n", session.run("echo hi"));
      assertEquals(InetAddress.getByName("127.0.0.1"), session.localAddress());
      String nasty = "it's $HOME `id` \"q\" \\ ;|&";
      assertEquals(nasty, session.run("printf %s " + Shell.quote(nasty)));
    }
  }

  @Test
  void failedCommandQuotesStderr() throws Exception {
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      RemoteException e = assertThrows(RemoteException.class, () -> session.run("echo oops >&2; exit 3"));
      assertEquals(RemoteException.Kind.COMMAND_FAILED, e.kind());
      assertEquals("`echo oops >&2; exit 3` failed (exit 3): oops", e.getMessage());
    }
  }

  @Test
  void refusesUnknownHostKeyAndWritesNothing() throws Exception {
    Path knownHosts = tmp.resolve("known_hosts");
    Files.writeString(knownHosts, "other.example " + sshd.hostPublicKey() + "\n");
    RemoteException e = assertThrows(
        RemoteException.class, () -> RemoteSession.connect(sshd.host(), sshd.options().withKnownHosts(knownHosts)));
    assertEquals(RemoteException.Kind.HOST_KEY_UNKNOWN, e.kind());
    assertEquals("host key not in " + knownHosts + " (use --accept-new-host-keys to record it)", e.getMessage());
    assertFalse(e.retryable());
    assertEquals("other.example " + sshd.hostPublicKey() + "\n", Files.readString(knownHosts));

    Path missing = tmp.resolve("absent/known_hosts");
    SshOptions opts = sshd.options().withKnownHosts(missing);
    assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), opts));
    assertFalse(Files.exists(missing.getParent()));
  }

  @Test
  void acceptNewRecordsTheKeyOnceEvenInParallel() throws Exception {
    Path knownHosts = tmp.resolve("new/.ssh/known_hosts");
    SshOptions accepting = sshd.options().withKnownHosts(knownHosts).withAcceptNewHostKeys(true);
    List<Thread> threads = new java.util.ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 6; i++) {
      Thread thread = new Thread(() -> {
        try (RemoteSession session = RemoteSession.connect(sshd.host(), accepting)) {
          session.run("true");
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "accept-new-" + i);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(List.of(), failures);
    assertEquals("[127.0.0.1]:" + sshd.port() + " " + sshd.hostPublicKey() + "\n", Files.readString(knownHosts));

    try (RemoteSession session = RemoteSession.connect(sshd.host(), accepting.withAcceptNewHostKeys(false))) {
      assertEquals("ok\n", session.run("echo ok"));
    }
  }

  @Test
  void acceptNewAppendsOnItsOwnLine() throws Exception {
    Path knownHosts = tmp.resolve("known_hosts");
    Files.writeString(knownHosts, "# no newline at the end");
    SshOptions accepting = sshd.options().withKnownHosts(knownHosts).withAcceptNewHostKeys(true);
    try (RemoteSession session = RemoteSession.connect(sshd.host(), accepting)) {
      session.run("true");
    }
    assertEquals(
        "# no newline at the end\n[127.0.0.1]:" + sshd.port() + " " + sshd.hostPublicKey() + "\n",
        Files.readString(knownHosts));
  }

  @Test
  void refusesChangedHostKeyEvenWithAcceptNew() throws Exception {
    Path other = tmp.resolve("other_ed25519");
    LocalSshd.keygen(other);
    String[] otherKey = Files.readString(Path.of(other + ".pub")).split(" ");
    Path knownHosts = tmp.resolve("known_hosts");
    String content = "# fleet\nother.example " + sshd.hostPublicKey() + "\n"
        + "[127.0.0.1]:" + sshd.port() + " " + otherKey[0] + " " + otherKey[1] + "\n";
    Files.writeString(knownHosts, content);
    for (boolean accept : new boolean[] {false, true}) {
      SshOptions opts = sshd.options().withKnownHosts(knownHosts).withAcceptNewHostKeys(accept);
      RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), opts));
      assertEquals(RemoteException.Kind.HOST_KEY_CHANGED, e.kind());
      assertEquals(
          "HOST KEY CHANGED: ssh-ed25519 " + hostFingerprint() + " differs from " + knownHosts + " line 3",
          e.getMessage());
    }
    assertEquals(content, Files.readString(knownHosts));
  }

  @Test
  void wrongIdentityFailsAuthentication() throws Exception {
    Path stranger = tmp.resolve("stranger_ed25519");
    LocalSshd.keygen(stranger);
    SshOptions opts = sshd.options().withIdentities(List.of(stranger));
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), opts));
    assertEquals(RemoteException.Kind.AUTH_FAILED, e.kind());
    assertEquals(
        "authentication failed for " + System.getProperty("user.name") + " (tried " + stranger + ")", e.getMessage());
  }

  @Test
  void closedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    HostSpec closed = new HostSpec(null, "127.0.0.1", port);
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(closed, sshd.options()));
    assertEquals(RemoteException.Kind.UNREACHABLE, e.kind());
    assertEquals("connection refused", e.getMessage());
    assertTrue(e.retryable());
  }

  @Test
  void unknownHostNameIsUnreachable() {
    HostSpec nowhere = new HostSpec(null, "no-such-host.invalid", 22);
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(nowhere, sshd.options()));
    assertEquals(RemoteException.Kind.UNREACHABLE, e.kind());
    assertEquals("host name not found", e.getMessage());
  }

  @Test
  void findsJavaByItsAbsolutePath() throws Exception {
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      assertTrue(session.javaPath().startsWith("/"), session.javaPath());
    }
  }

  @Test
  void ensureJarUploadsOnceAndKeepsBytes() throws Exception {
    byte[] jar = new byte[300_000];
    new Random(42).nextBytes(jar);
    String remoteDir = "~/.cache/herd-test-" + System.nanoTime();
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      try {
        PeerJar first = session.ensureJar(jar, remoteDir);
        assertTrue(first.uploaded());
        Path home = Path.of(System.getProperty("user.home"));
        Path cached = Path.of(first.path());
        assertEquals(home.resolve(remoteDir.substring(2)).resolve(cached.getFileName()), cached);
        assertTrue(first.path().matches(".*/herd-peer-[0-9a-f]{16}\\.jar"), first.path());
        assertArrayEquals(jar, Files.readAllBytes(Path.of(first.path())));

        // the class-data archive for this java, beside the jar: counted once there, unless a link
        assertTrue(first.archive().matches(".*/herd-peer-[0-9a-f]{16}-[0-9a-f]{12}\\.jsa"), first.archive());
        assertFalse(first.archiveReady());
        assertEquals(new PeerJar(first.path(), false, first.archive(), false), session.ensureJar(jar, remoteDir));
        Path archive = Path.of(first.archive());
        Files.createSymbolicLink(archive, Path.of(first.path()));
        assertFalse(session.ensureJar(jar, remoteDir).archiveReady(), "a link is no archive");
        Files.delete(archive);
        Files.write(archive, new byte[] {1});
        assertEquals(new PeerJar(first.path(), false, first.archive(), true), session.ensureJar(jar, remoteDir));
        Files.delete(archive);

        Files.write(Path.of(first.path()), new byte[] {1, 2, 3});
        assertEquals(new PeerJar(first.path(), true, first.archive(), false), session.ensureJar(jar, remoteDir));
        assertArrayEquals(jar, Files.readAllBytes(Path.of(first.path())));

        byte[] planted = jar.clone(); // same size, other bytes: the cache trusts the digest, not the size
        planted[planted.length / 2] ^= 1;
        Files.write(Path.of(first.path()), planted);
        assertEquals(new PeerJar(first.path(), true, first.archive(), false), session.ensureJar(jar, remoteDir));
        assertArrayEquals(jar, Files.readAllBytes(Path.of(first.path())));
        try (var files = Files.list(Path.of(first.path()).getParent())) {
          assertEquals(1, files.count(), "no temporary files left");
        }
      } finally {
        session.run("rm -rf " + Shell.dirExpression(remoteDir));
      }
    }
  }

  @Test
  void aCacheDirectoryOthersCanWriteIsRefusedAndGetsNothing() throws Exception {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      RemoteException e = assertThrows(RemoteException.class, () -> session.ensureJar(new byte[] {1, 2}, shared.toString()));
      assertEquals(RemoteException.Kind.UNSAFE, e.kind());
      assertEquals("refusing the peer program cache " + shared + ": " + shared + " is writable by others (mode 777)"
          + " (another user could replace what herd runs; choose another --remote-path)", e.getMessage());
      try (var files = Files.list(shared)) {
        assertEquals(0, files.count());
      }
      Path inside = shared.resolve("new"); // created by herd under an unsafe parent: refused before anything is written
      assertThrows(RemoteException.class, () -> session.ensureJar(new byte[] {1, 2}, inside.toString()));
      try (var files = Files.list(inside)) {
        assertEquals(0, files.count());
      }
    }
  }

  @Test
  void aStickyDirectoryLikeTmpIsFineAboveTheCacheButNotAsItAndTheJarPathHasNoSymbolicLinks() throws Exception {
    Path sticky = Files.createDirectories(tmp.resolve("sticky"));
    new ProcessBuilder("chmod", "1777", sticky.toString()).start().waitFor();
    Path link = Files.createSymbolicLink(tmp.resolve("link"), sticky);
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      PeerJar jar = session.ensureJar(new byte[] {1, 2, 3}, link.resolve("cache").toString());
      assertEquals(sticky.toRealPath().resolve("cache").toString(), jar.dir());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(jar.dir()))));
      // as the cache itself, others could make the names of herd's temporary files there
      RemoteException e = assertThrows(RemoteException.class, () -> session.ensureJar(new byte[] {1, 2, 3}, sticky.toString()));
      assertEquals("refusing the peer program cache " + sticky.toRealPath() + ": " + sticky.toRealPath()
          + " is writable by others (mode 1777) (another user could replace what herd runs; choose another --remote-path)",
          e.getMessage());
    }
  }

  @Test
  void startedProcessRoundTripsStdinToStdout() throws Exception {
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options());
        RemoteProcess cat = session.start("cat")) {
      BufferedReader out = new BufferedReader(new InputStreamReader(cat.stdout(), StandardCharsets.UTF_8));
      cat.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
      cat.stdin().flush();
      assertEquals("hello", out.readLine());
      cat.stdin().write("again\n".getBytes(StandardCharsets.UTF_8));
      cat.stdin().close();
      assertEquals("again", out.readLine());
      assertEquals(null, out.readLine());
      assertTrue(cat.waitFor(java.time.Duration.ofSeconds(10)));
      assertEquals(0, cat.exitStatus());
    }
  }

  @Test
  void closingTheProcessGivesTheRemoteSideEof() throws Exception {
    Path marker = tmp.resolve("done");
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) {
      RemoteProcess reader = session.start("sh -c " + Shell.quote("cat >/dev/null; echo done > " + marker));
      reader.stdin().write("some input\n".getBytes(StandardCharsets.UTF_8));
      reader.stdin().flush();
      Thread.sleep(200);
      assertFalse(Files.exists(marker));
      reader.close();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!Files.exists(marker) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals("done\n", Files.readString(marker));
    }
  }

  private String hostFingerprint() throws Exception {
    Path pub = tmp.resolve("host.pub");
    Files.writeString(pub, sshd.hostPublicKey() + "\n");
    Process keygen = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", pub.toString()).start();
    String out = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    keygen.waitFor();
    return out.split(" ")[1];
  }
}
