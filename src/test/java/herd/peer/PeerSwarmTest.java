package herd.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import herd.swarm.Admission;
import herd.swarm.PieceStore;
import herd.swarm.RunCredentials;
import herd.swarm.Swarm;
import herd.swarm.SwarmOptions;
import herd.tracker.Pages;
import herd.tracker.Tracker;
import herd.tracker.TrackerOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker, the seeder and several peer programs in one JVM, wired as a push wires them (secret, TLS), over loopback. */
class PeerSwarmTest {
  @TempDir Path dir;
  private EventLoopGroup group;
  private Tracker tracker;
  private Swarm seeder;
  private PieceStore seederStore;
  private Metainfo meta;
  private byte[] contentDigest;
  private Path source;
  private final byte[] secret = new byte[32];
  private RunCredentials tls;

  @BeforeEach
  void setUp() throws Exception {
    group = new NioEventLoopGroup(2);
    byte[] data = new byte[3 * 1024 * 1024 + 777];
    new Random(7).nextBytes(data);
    source = Files.write(dir.resolve("app.bin"), data);
    Hashing.Hashed hashed = Hashing.hashFile(source);
    meta = hashed.metainfo();
    contentDigest = hashed.contentDigest();
    seederStore = PieceStore.openForReading(source, meta);
    BitSet all = new BitSet();
    all.set(0, meta.pieceCount());
    new Random().nextBytes(secret);
    tls = RunCredentials.generate();
    seeder = Swarm.start(group, Admission.members(secret, tls), new InetSocketAddress("127.0.0.1", 0), 0);
    seeder.add(seederStore, all, SwarmOptions.defaults());
    byte[] token = Admission.trackerToken(secret).getBytes(StandardCharsets.US_ASCII);
    tracker = Tracker.start(group, new InetSocketAddress("127.0.0.1", 0),
        new TrackerOptions(token, seeder.port(), Duration.ofSeconds(1), false, SwarmOptions.CONNECTIONS, SwarmOptions.SEEDER_TERM),
        Pages.NONE);
    tracker.add(meta.infoHash());
  }

  @AfterEach
  void tearDown() throws Exception {
    tracker.close();
    seeder.close();
    seederStore.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void peersPlaceVerifiedFilesWithTheirModeAndLeaveNoTemporaryFile() throws Exception {
    Path existingDir = Files.createDirectories(dir.resolve("host0/srv"));
    List<String> dests = List.of(existingDir.toString(), dir.resolve("host1/new/parent/app.bin").toString(),
        dir.resolve("host2/app.bin").toString(), dir.resolve("host3/new-dir") + "/");
    Files.createDirectories(dir.resolve("host2"));
    Files.writeString(dir.resolve("host2/app.bin"), "old content");
    List<Running> peers = new ArrayList<>();
    for (String dest : dests) peers.add(new Running(config(dest, 0640)));

    for (Running p : peers) p.awaitLine("done ", 30);
    peers.forEach(p -> p.stop.complete(null));
    for (Running p : peers) assertEquals(0, p.status.get(10, TimeUnit.SECONDS), p.output());

    byte[] expected = Files.readAllBytes(source);
    for (Path placed : List.of(existingDir.resolve("app.bin"), Path.of(dests.get(1)), Path.of(dests.get(2)),
        dir.resolve("host3/new-dir/app.bin"))) {
      assertArrayEquals(expected, Files.readAllBytes(placed), placed.toString());
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(placed)));
      try (Stream<Path> siblings = Files.list(placed.getParent())) {
        assertEquals(List.of(placed), siblings.toList(), "temporary files left beside " + placed);
      }
    }
  }

  @Test
  void aPeerStoppedBeforeCompletingRemovesItsTemporaryFileAndKeepsTheOldOne() throws Exception {
    seeder.close(); // nobody serves: the peer can never complete
    Path dest = Files.createDirectories(dir.resolve("host")).resolve("app.bin");
    Files.writeString(dest, "old content");
    Running p = new Running(config(dest.toString(), 0644));
    Thread.sleep(1500);
    p.stop.complete(null);
    assertEquals(1, p.status.get(10, TimeUnit.SECONDS));
    assertTrue(p.output().contains("fail stopped before the transfer completed"), p.output());
    assertEquals("old content", Files.readString(dest));
    try (Stream<Path> files = Files.list(dest.getParent())) {
      assertEquals(List.of(dest), files.toList());
    }
  }

  @Test
  void anUnwritableDestinationFailsWithAReason() throws Exception {
    Path file = Files.writeString(dir.resolve("plainfile"), "x");
    Running p = new Running(config(file.resolve("sub/app.bin").toString(), 0644));
    assertEquals(1, p.status.get(10, TimeUnit.SECONDS));
    assertTrue(p.output().startsWith("fail cannot prepare"), p.output());
  }

  @Test
  void aDestinationThatAlreadyHoldsTheContentIsKeptWithoutFetchingOrRewriting() throws Exception {
    seeder.close(); // nobody serves: the peer must not need anyone
    Path dest = Files.createDirectories(dir.resolve("host")).resolve("app.bin");
    Files.copy(source, dest);
    Files.setLastModifiedTime(dest, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    Object inode = Files.getAttribute(dest, "unix:ino");
    Running p = new Running(config(dest.toString(), 0600));
    p.awaitDoneAndStop();
    assertEquals(inode, Files.getAttribute(dest, "unix:ino"));
    assertEquals(1_000_000, Files.getLastModifiedTime(dest).toMillis(), "the file was rewritten");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
  }

  @Test
  void aChangedFileOfTheSameLengthIsFetchedAgain() throws Exception {
    Path dest = Files.createDirectories(dir.resolve("host")).resolve("app.bin");
    byte[] changed = Files.readAllBytes(source);
    changed[changed.length / 2] ^= 1;
    Files.write(dest, changed);
    Running p = new Running(config(dest.toString(), 0644));
    p.awaitDoneAndStop();
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dest));
  }

  @Test
  void aRememberedFileIsTrustedWithoutHashingUnlessAFullCheckIsAsked() throws Exception {
    Path dest = Files.createDirectories(dir.resolve("host")).resolve("app.bin");
    Running first = new Running(config(dest.toString(), 0644));
    first.awaitDoneAndStop();
    // a byte changes behind herd's back, and the memory is made to vouch for the changed file: this stands for a
    // memory that is wrong, which only --full-check can get past
    byte[] changed = Files.readAllBytes(source);
    changed[changed.length / 2] ^= 1;
    Files.write(dest, changed);
    new VerifiedFiles(dir.resolve("verified")).remember(dest, contentDigest);

    Running trusting = new Running(config(dest.toString(), 0644));
    trusting.awaitDoneAndStop();
    assertArrayEquals(changed, Files.readAllBytes(dest), "the remembered file was read after all");

    Running checking = new Running(config(dest.toString(), 0644, true));
    checking.awaitDoneAndStop();
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dest));
  }

  @Test
  void temporaryFilesOfKilledPeersAreRemovedAndThoseOfLiveOnesKept() throws Exception {
    Path host = Files.createDirectories(dir.resolve("host"));
    Path abandoned = Files.writeString(host.resolve(".app.bin.herd-0123456789ab.part"), "left by kill -9");
    Path live = host.resolve(".app.bin.herd-ba9876543210.part");
    try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(live,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      held.lock();
      Running p = new Running(config(host.resolve("app.bin").toString(), 0644));
      p.awaitDoneAndStop();
      assertFalse(Files.exists(abandoned), "the abandoned temporary file is still there");
      assertTrue(Files.exists(live), "a live peer's temporary file was removed");
    }
  }

  @Test
  void aFileWhoseWholeDigestDiffersIsNeverPlaced() throws Exception {
    Path dest = Files.createDirectories(dir.resolve("host")).resolve("app.bin");
    Files.writeString(dest, "old content");
    byte[] wrong = contentDigest.clone();
    wrong[0] ^= 1;
    Running p = new Running(new PeerConfig(meta.encodeInfo(), url(), dest.toString(), 0644, wrong, secret, tls, null, false, null, null, false, 0, -1, null));
    assertEquals(1, p.status.get(30, TimeUnit.SECONDS), p.output());
    assertTrue(p.output().contains("fail every piece verified, yet the file's SHA-256 content digest differs"), p.output());
    assertEquals("old content", Files.readString(dest));
    try (Stream<Path> files = Files.list(dest.getParent())) {
      assertEquals(List.of(dest), files.toList());
    }
  }

  @Test
  void aPeerBehindABastionFetchesFromTheSeederItWasGivenWhenTheTrackerHandsOutNone() throws Exception {
    // as through a reverse forward: the announce comes from loopback and names the host's own address
    String forwardedUrl = url() + "&ip=127.0.0.1";
    Path dest = Files.createDirectories(dir.resolve("behind")).resolve("app.bin");
    Running p = new Running(new PeerConfig(meta.encodeInfo(), forwardedUrl, dest.toString(), 0644, contentDigest, secret,
        tls, null, false, "127.0.0.1:" + seeder.port(), null, false, 0, -1, null));
    p.awaitDoneAndStop();
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dest));
  }

  private PeerConfig config(String dest, int mode) throws Exception {
    return config(dest, mode, false);
  }

  private PeerConfig config(String dest, int mode, boolean fullCheck) throws Exception {
    return new PeerConfig(meta.encodeInfo(), url(), dest, mode, contentDigest, secret, tls, dir.resolve("verified").toString(), fullCheck, null, null, false, 0, -1, null);
  }

  private String url() {
    return "http://127.0.0.1:" + tracker.port() + "/announce?token=" + Admission.trackerToken(secret);
  }

  /** A peer program on a thread of its own, its report lines captured. */
  private static final class Running {
    final CompletableFuture<Void> stop = new CompletableFuture<>();
    final CompletableFuture<Integer> status = new CompletableFuture<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Running(PeerConfig config) {
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      Thread t = new Thread(() -> status.complete(new PeerRun(config, Report.lines(print)).run(stop, false)), "test-peer");
      t.setDaemon(true);
      t.start();
    }

    String output() {
      synchronized (out) {
        return out.toString(StandardCharsets.UTF_8);
      }
    }

    /** Waits until the peer placed its file, then stops it and checks that it exited 0. */
    void awaitDoneAndStop() throws Exception {
      awaitLine("done ", 30);
      stop.complete(null);
      assertEquals(0, status.get(10, TimeUnit.SECONDS), output());
    }

    void awaitLine(String prefix, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        if (output().lines().anyMatch(l -> l.startsWith(prefix))) return;
        Thread.sleep(20);
      }
      throw new AssertionError("no '" + prefix + "' line in: " + output());
    }
  }
}
