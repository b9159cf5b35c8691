package herd.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import herd.metainfo.FileEntry;
import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import herd.peer.PeerConfig;
import herd.peer.PeerRun;
import herd.peer.Report;
import herd.swarm.Admission;
import herd.swarm.PieceStore;
import herd.swarm.RunCredentials;
import herd.swarm.Swarm;
import herd.swarm.SwarmOptions;
import herd.swarm.Torrent;
import herd.tracker.Pages;
import herd.tracker.Tracker;
import herd.tracker.TrackerOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * herd's tracker, seeder and peer against aria2c, a BitTorrent client nobody here wrote. Everything runs on
 * loopback: aria2c (checked with 1.36) dials peers at 127.0.0.1 like any other address, so no option is needed for
 * that.
 *
 * <p>aria2c is started hermetically ({@code --no-conf}, no DHT, LPD or PEX) so that it finds peers only through
 * herd's tracker. It tries an encrypted (MSE) handshake first and, when the peer closes the connection, retries with
 * a plain one ("Retry using legacy BitTorrent handshake" in its log); herd speaks plain BEP 3 only, so every
 * connection aria2c opens to herd goes through that fallback. herd's handshake sets no reserved bits, so aria2c
 * sends it no extension (BEP 10) or fast-extension (BEP 6) messages.
 */
class Aria2InteropTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** Not a multiple of any piece size herd picks. */
  private static final int FILE_SIZE = 24 * 1024 * 1024 + 12_345;
  private static final Duration ANNOUNCE_INTERVAL = Duration.ofSeconds(1);

  @TempDir Path dir;
  private EventLoopGroup group;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private final List<Process> aria2cs = new ArrayList<>();
  private final List<Path> aria2cLogs = new ArrayList<>();
  private final List<RunningPeer> peers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    group = new NioEventLoopGroup(2);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (RunningPeer p : peers) p.stop();
      for (Process p : aria2cs) kill(p);
      for (int i = closeLater.size() - 1; i >= 0; i--) closeLater.get(i).close();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void aria2cDownloadsFromHerdsTrackerAndSeeder() throws Exception {
    Path source = randomFile(dir.resolve("seed"), "payload.bin", FILE_SIZE);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Seeder seeder = seeder(source, meta);
    Tracker tracker = tracker(meta, seeder.port());
    Path torrent = writeTorrent(meta, tracker);

    Path out = Files.createDirectories(dir.resolve("aria2c-out"));
    Process aria2c = aria2c(out, torrent, "--seed-time=0");
    int exit = awaitExit(aria2c);

    assertEquals(0, exit, "aria2c exit status\n" + aria2cOutput());
    assertSameBytes(source, out.resolve(meta.name()));
    assertTrue(seeder.uploadedBytes() >= meta.length(),
        "herd's seeder uploaded " + seeder.uploadedBytes() + " of " + meta.length() + " bytes");
  }

  @Test
  void aria2cDownloadsADirectoryAsAMultiFileTorrentWithBlocksAcrossFiles() throws Exception {
    Path tree = dir.resolve("seed").resolve("tree");
    List<FileEntry> files = List.of(
        FileEntry.file(List.of("a.bin"), 3 * 1024 * 1024 + 7, false),
        FileEntry.file(List.of("sub", "b.bin"), 1001, true),
        FileEntry.file(List.of("sub", "deeper", "c.bin"), 5 * 1024 * 1024 + 3, false));
    for (FileEntry f : files) {
      Path p = tree.resolve(String.join("/", f.path()));
      randomFile(p.getParent(), p.getFileName().toString(), (int) f.length());
    }
    Metainfo meta = PieceStore.hash(tree, "tree", files).metainfo();
    Seeder seeder = seeder(tree, meta);
    Path torrent = writeTorrent(meta, tracker(meta, seeder.port()));

    Path out = Files.createDirectories(dir.resolve("aria2c-out"));
    int exit = awaitExit(aria2c(out, torrent, "--seed-time=0"));

    assertEquals(0, exit, "aria2c exit status\n" + aria2cOutput());
    for (FileEntry f : files) assertSameBytes(tree.resolve(String.join("/", f.path())), out.resolve("tree").resolve(String.join("/", f.path())));
  }

  @Test
  void aria2cGetsNoDataFromATlsRunEvenWhenToldWhereTheSeederIs() throws Exception {
    Path source = randomFile(dir.resolve("seed"), "payload.bin", FILE_SIZE);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    Seeder seeder = seeder(source, meta, Admission.members(secret, RunCredentials.generate()));
    // A tracker without the run's token: the outsider learns the seeder's address, the worst case.
    Tracker tracker = tracker(meta, seeder.port());
    Path torrent = writeTorrent(meta, tracker);

    Path out = Files.createDirectories(dir.resolve("outsider"));
    Process aria2c = aria2c(out, torrent, "--seed-time=0", "--bt-stop-timeout=8");
    int exit = awaitExit(aria2c);

    assertTrue(exit != 0, "aria2c claims success\n" + aria2cOutput());
    assertEquals(0, seeder.uploadedBytes(), "herd's seeder sent data to an outsider");
    Path got = out.resolve(meta.name());
    assertTrue(!Files.exists(got) || !java.util.Arrays.equals(sha256(source), sha256(got)), "the outsider has the file");
    String debug = Files.readString(dir.resolve("aria2c-" + (aria2cs.size() - 1) + ".debug.log"));
    assertTrue(debug.contains("127.0.0.1:" + seeder.port()), "aria2c never tried the seeder, so this proved nothing");
  }

  @Test
  void herdPeerDownloadsFromAnAria2cSeed() throws Exception {
    Path seedDir = dir.resolve("aria2c-seed");
    Path source = randomFile(seedDir, "payload.bin", FILE_SIZE);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Tracker tracker = tracker(meta, 0);
    Path torrent = writeTorrent(meta, tracker);

    // -V makes aria2c hash the file it finds and seed it; --seed-ratio=0.0 alone means: seed until killed.
    aria2c(seedDir, torrent, "--check-integrity=true", "--seed-ratio=0.0");
    Path dest = Files.createDirectories(dir.resolve("herd-dest"));
    RunningPeer peer = peerRun(meta, tracker, dest);

    String done = peer.awaitOutcome();
    assertEquals("done " + dest.resolve(meta.name()), done, "herd peer report\n" + peer.output() + aria2cOutput());
    assertSameBytes(source, dest.resolve(meta.name()));
    assertNoTempFiles(dest);
    assertEquals(0, peer.stop(), "PeerRun exit status\n" + peer.output());
  }

  @Test
  void herdPeersAndAnAria2cLeecherAllGetTheFileFromOneHerdSeeder() throws Exception {
    Path source = randomFile(dir.resolve("seed"), "payload.bin", FILE_SIZE);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Seeder seeder = seeder(source, meta);
    Tracker tracker = tracker(meta, seeder.port());
    Path torrent = writeTorrent(meta, tracker);

    List<Path> dests = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path dest = Files.createDirectories(dir.resolve("herd-dest-" + i));
      dests.add(dest);
      peerRun(meta, tracker, dest);
    }
    Path out = Files.createDirectories(dir.resolve("aria2c-out"));
    Process aria2c = aria2c(out, torrent, "--seed-time=0");

    assertEquals(0, awaitExit(aria2c), "aria2c exit status\n" + aria2cOutput());
    assertSameBytes(source, out.resolve(meta.name()));
    for (int i = 0; i < dests.size(); i++) {
      RunningPeer peer = peers.get(i);
      Path dest = dests.get(i);
      assertEquals("done " + dest.resolve(meta.name()), peer.awaitOutcome(), "herd peer " + i + "\n" + peer.output());
      assertSameBytes(source, dest.resolve(meta.name()));
      assertNoTempFiles(dest);
    }
  }

  // ---- herd's parts ----

  /** herd's seeder: a swarm sharing one torrent. */
  private record Seeder(Swarm swarm, Torrent torrent) {
    int port() {
      return swarm.port();
    }

    long uploadedBytes() {
      return torrent.uploadedBytes();
    }
  }

  private Seeder seeder(Path source, Metainfo meta) throws IOException {
    return seeder(source, meta, Admission.open());
  }

  private Seeder seeder(Path source, Metainfo meta, Admission admission) throws IOException {
    PieceStore store = PieceStore.openForReading(source, meta);
    closeLater.add(store);
    BitSet all = new BitSet();
    all.set(0, meta.pieceCount());
    Swarm swarm = Swarm.start(group, admission, loopback(0), 0);
    closeLater.add(swarm);
    return new Seeder(swarm, swarm.add(store, all, SwarmOptions.defaults()));
  }

  private Tracker tracker(Metainfo meta, int seederPort) throws IOException {
    Tracker tracker = Tracker.start(group, loopback(0),
        new TrackerOptions(null, seederPort, ANNOUNCE_INTERVAL, false, SwarmOptions.CONNECTIONS, SwarmOptions.SEEDER_TERM),
        Pages.NONE);
    tracker.add(meta.infoHash());
    closeLater.add(tracker);
    return tracker;
  }

  private static String announceUrl(Tracker tracker) {
    return "http://127.0.0.1:" + tracker.port() + "/announce";
  }

  private Path writeTorrent(Metainfo meta, Tracker tracker) throws IOException {
    return Files.write(dir.resolve(meta.name() + ".torrent"), meta.encodeTorrent(announceUrl(tracker)));
  }

  private RunningPeer peerRun(Metainfo meta, Tracker tracker, Path dest) {
    RunningPeer peer = new RunningPeer(new PeerConfig(meta.encodeInfo(), announceUrl(tracker), dest.toString(), 0644, null, null, null, null, false, null, null, false, 0, -1, null));
    peers.add(peer);
    return peer;
  }

  /** A {@link PeerRun} on a thread of its own, reporting into memory. */
  private static final class RunningPeer {
    private final ByteArrayOutputStream report = new ByteArrayOutputStream();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    RunningPeer(PeerConfig config) {
      PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8);
      Thread t = new Thread(() -> {
        try {
          exit.complete(new PeerRun(config, Report.lines(out)).run(stop, false));
        } catch (Throwable e) {
          exit.completeExceptionally(e);
        }
      }, "peer-run-" + config.dest());
      t.setDaemon(true);
      t.start();
    }

    String output() {
      return report.toString(StandardCharsets.UTF_8);
    }

    /** The first {@code done} or {@code fail} line, waiting for it up to the test's timeout. */
    String awaitOutcome() throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (String line : output().split("\n")) {
          if (line.startsWith("done ") || line.startsWith("fail ")) return line;
        }
        if (exit.isDone()) break;
        Thread.sleep(50);
      }
      return "no outcome within " + TIMEOUT.toSeconds() + " s";
    }

    /** Tells the peer to stop and returns its exit status. */
    int stop() throws Exception {
      stop.complete(null);
      return exit.get(30, TimeUnit.SECONDS);
    }
  }

  // ---- aria2c ----

  /** Starts aria2c on {@code torrent}, saving into {@code saveDir}, finding peers only through the tracker. */
  private Process aria2c(Path saveDir, Path torrent, String... extra) throws IOException {
    int n = aria2cs.size();
    Path log = dir.resolve("aria2c-" + n + ".log");
    List<String> cmd = new ArrayList<>(List.of(
        aria2cBinary(),
        "--no-conf=true",
        "--dir=" + saveDir,
        "--listen-port=" + freePort(),
        "--enable-dht=false",
        "--enable-dht6=false",
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        "--bt-tracker-interval=1",
        "--bt-stop-timeout=" + TIMEOUT.toSeconds(),
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
        "--file-allocation=none",
        "--summary-interval=0",
        "--console-log-level=warn",
        "--log=" + dir.resolve("aria2c-" + n + ".debug.log"),
        "--log-level=info"));
    cmd.addAll(List.of(extra));
    cmd.add(torrent.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    aria2cs.add(p);
    aria2cLogs.add(log);
    return p;
  }

  /** aria2c's path; fails (never skips) when it is missing, since CI installs it. */
  private static String aria2cBinary() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(File.pathSeparator)) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, "aria2c");
      if (Files.isExecutable(candidate)) return candidate.toString();
    }
    return fail("aria2c is not on the PATH; install it with: apt-get install aria2");
  }

  private static int awaitExit(Process p) throws InterruptedException {
    if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      kill(p);
      return fail("aria2c did not finish within " + TIMEOUT.toSeconds() + " s");
    }
    return p.exitValue();
  }

  private static void kill(Process p) throws InterruptedException {
    if (!p.isAlive()) return;
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private String aria2cOutput() {
    StringBuilder sb = new StringBuilder();
    for (Path log : aria2cLogs) {
      sb.append("--- ").append(log.getFileName()).append('\n');
      try {
        sb.append(Files.readString(log, StandardCharsets.UTF_8));
      } catch (IOException e) {
        sb.append(e).append('\n');
      }
    }
    return sb.toString();
  }

  // ---- helpers ----

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** A port free right now; aria2c needs a number (it has no "any port" setting), and 6881-6999 may be taken. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Path randomFile(Path parent, String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(Files.createDirectories(parent).resolve(name), bytes);
  }

  private static void assertSameBytes(Path expected, Path actual) throws Exception {
    assertTrue(Files.isRegularFile(actual), actual + " is missing");
    assertEquals(Files.size(expected), Files.size(actual), "size of " + actual);
    assertArrayEquals(sha256(expected), sha256(actual), "sha-256 of " + actual);
  }

  private static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }

  private static void assertNoTempFiles(Path dest) throws IOException {
    try (Stream<Path> files = Files.list(dest)) {
      List<String> names = files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
      assertTrue(names.stream().noneMatch(n -> n.endsWith(".part")), "temporary files left in " + dest + ": " + names);
    }
  }
}
