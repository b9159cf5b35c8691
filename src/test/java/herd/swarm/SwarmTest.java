package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeder and peers in one JVM, over loopback TCP. */
class SwarmTest {
  @TempDir Path dir;
  private EventLoopGroup group;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private final Map<Torrent, Integer> ports = new HashMap<>();

  @BeforeEach
  void setUp() {
    group = new NioEventLoopGroup(2);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeLater) c.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void threePeersFetchFromOneSeederAndEachOther() throws Exception {
    Path source = randomFile("source.bin", 5 * 1024 * 1024 + 12345);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    List<Torrent> peers = meshAround(seeder(source, meta), meta, 3);

    byte[] expected = Files.readAllBytes(source);
    long fromPeers = 0;
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expected, Files.readAllBytes(dir.resolve("peer" + i)), "peer " + i);
      assertEquals(meta.length(), peers.get(i).verifiedBytes());
      fromPeers += peers.get(i).uploadedBytes();
    }
    assertTrue(fromPeers > 0, "peers shared nothing among themselves");
  }

  @Test
  void membersShareOverTlsAndOutsidersGetNothing() throws Exception {
    Path source = randomFile("source.bin", 2 * 1024 * 1024 + 99);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    byte[] secret = "the run's secret".getBytes(StandardCharsets.US_ASCII);
    RunCredentials tls = RunCredentials.generate();
    Torrent seeder = seeder(source, meta, Admission.members(secret, tls));

    Torrent member = peer(meta, dir.resolve("member"), Admission.members(secret, tls));
    Torrent plainOutsider = peer(meta, dir.resolve("plain"), Admission.open());
    Torrent wrongSecret = peer(meta, dir.resolve("wrong-secret"), Admission.members("guess".getBytes(StandardCharsets.US_ASCII), tls));
    Torrent otherRunsKey = peer(meta, dir.resolve("other-key"), Admission.members(secret, RunCredentials.generate()));
    for (Torrent s : List.of(member, plainOutsider, wrongSecret, otherRunsKey)) s.connect(loopback(port(seeder)));

    member.completion().get(30, TimeUnit.SECONDS);
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("member")));
    Thread.sleep(500);
    for (Torrent outsider : List.of(plainOutsider, wrongSecret, otherRunsKey)) {
      assertEquals(0, outsider.verifiedBytes());
      assertEquals(0, outsider.peerCount());
    }
    assertEquals(meta.length(), seeder.uploadedBytes(), "the seeder served only the member");
  }

  @Test
  void plaintextMembersStillProveTheSecret() throws Exception {
    Path source = randomFile("source.bin", 512 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    byte[] secret = new byte[32];
    Torrent seeder = seeder(source, meta, Admission.members(secret, null));
    Torrent member = peer(meta, dir.resolve("member"), Admission.members(secret, null));
    Torrent outsider = peer(meta, dir.resolve("outsider"), Admission.open());
    member.connect(loopback(port(seeder)));
    outsider.connect(loopback(port(seeder)));
    member.completion().get(30, TimeUnit.SECONDS);
    Thread.sleep(300);
    assertEquals(0, outsider.verifiedBytes());
  }

  @Test
  void underInitialSeedingPeersCompleteByTradingWhatTheSeederShowedThem() throws Exception {
    Path source = randomFile("source.bin", 16 * 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    List<Torrent> peers = meshAround(seeder(source, meta, Admission.open(), SwarmOptions.seeder(SwarmOptions.Seeding.INITIAL)), meta, 3);
    for (int i = 0; i < 3; i++) assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("peer" + i)));
    long shared = peers.stream().mapToLong(Torrent::uploadedBytes).sum();
    assertTrue(shared >= meta.length(), "the peers shared too little: " + shared);
  }

  @Test
  void malformedMessagesCloseOnlyTheirConnection() throws Exception {
    Path source = randomFile("source.bin", 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Torrent seeder = seeder(source, meta);
    Torrent leecher = peer(meta, dir.resolve("leecher"));
    int pieces = meta.pieceCount();
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("request beyond the file", message(6, pieces, 0, 16384));
    bad.put("request beyond its piece", message(6, 0, meta.pieceLength() - 100, 16384));
    bad.put("oversized request", message(6, 0, 0, 1 << 20));
    bad.put("bitfield of the wrong size", ByteBuffer.allocate(5 + 9).putInt(10).put((byte) 5).array());
    bad.put("unknown message id", ByteBuffer.allocate(5).putInt(1).put((byte) 21).array());
    bad.put("oversized length", ByteBuffer.allocate(5).putInt(1 << 30).put((byte) 7).array());
    bad.put("have beyond the file", ByteBuffer.allocate(9).putInt(5).put((byte) 4).putInt(pieces).array());
    for (Map.Entry<String, byte[]> e : bad.entrySet()) assertClosedAfter(seeder, meta, e.getValue(), e.getKey());
    assertClosedAfter(leecher, meta, message(6, 0, 0, 16384), "request for a piece not verified here");

    Torrent honest = peer(meta, dir.resolve("honest"));
    honest.connect(loopback(port(seeder)));
    honest.completion().get(30, TimeUnit.SECONDS);
  }

  private static byte[] message(int id, int a, int b, int c) {
    return ByteBuffer.allocate(17).putInt(13).put((byte) id).putInt(a).putInt(b).putInt(c).array();
  }

  /** Connects as a peer, sends {@code bad}, and expects the swarm to hang up. */
  private void assertClosedAfter(Torrent target, Metainfo meta, byte[] bad, String what) throws Exception {
    assertClosedAfter(port(target), meta, bad, what);
  }

  private static void assertClosedAfter(int port, Metainfo meta, byte[] bad, String what) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      byte[] id = new byte[20];
      new Random().nextBytes(id);
      ByteBuffer hello = ByteBuffer.allocate(68).put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
          .put(new byte[8]).put(meta.infoHash()).put(id);
      s.getOutputStream().write(hello.array());
      s.getOutputStream().write(bad);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      try {
        while (in.read() >= 0) {
          // the swarm's handshake and messages, until it closes
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still connected 5 s after a " + what);
      }
    }
  }

  @Test
  void oneListenerRoutesEachConnectionToTheTorrentItsHandshakeNames() throws Exception {
    Path a = randomFile("a.bin", 3 * 1024 * 1024 + 1);
    Path b = Files.write(dir.resolve("b.bin"), new byte[2 * 1024 * 1024 + 7]);
    Metainfo metaA = Hashing.hashFile(a).metainfo();
    Metainfo metaB = Hashing.hashFile(b).metainfo();
    Swarm server = Swarm.start(group, Admission.open(), loopback(0), 0);
    closeLater.add(0, server);
    BitSet all = new BitSet();
    all.set(0, Math.max(metaA.pieceCount(), metaB.pieceCount()));
    PieceStore storeA = PieceStore.openForReading(a, metaA);
    PieceStore storeB = PieceStore.openForReading(b, metaB);
    closeLater.add(storeA);
    closeLater.add(storeB);
    Torrent servedA = server.add(storeA, all.get(0, metaA.pieceCount()), SwarmOptions.defaults());
    Torrent servedB = server.add(storeB, all.get(0, metaB.pieceCount()), SwarmOptions.defaults());

    Torrent gotA = peer(metaA, dir.resolve("got-a"));
    Torrent gotB = peer(metaB, dir.resolve("got-b"));
    gotA.connect(loopback(server.port()));
    gotB.connect(loopback(server.port()));
    CompletableFuture.allOf(gotA.completion(), gotB.completion()).get(30, TimeUnit.SECONDS);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(dir.resolve("got-a")));
    assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(dir.resolve("got-b")));
    assertEquals(metaA.length(), servedA.uploadedBytes());
    assertEquals(metaB.length(), servedB.uploadedBytes());

    // a torrent no longer shared, and one never shared, get a closed connection
    server.remove(servedB);
    assertClosedAfter(server.port(), metaB, new byte[0], "handshake for a removed torrent");
    Metainfo unknown = new Metainfo("unknown", metaA.pieceLength(), metaA.length(), new byte[metaA.pieceCount() * 20]);
    assertClosedAfter(server.port(), unknown, new byte[0], "handshake for an unknown torrent");
  }

  @Test
  void aRateLimitedSeederSendsNoFasterThanItsLimit() throws Exception {
    Path source = randomFile("source.bin", 3 * 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Swarm limited = Swarm.start(group, Admission.open(), loopback(0), 1024 * 1024);
    closeLater.add(0, limited);
    PieceStore store = PieceStore.openForReading(source, meta);
    closeLater.add(store);
    BitSet all = new BitSet();
    all.set(0, meta.pieceCount());
    limited.add(store, all, SwarmOptions.defaults());
    Torrent peer = peer(meta, dir.resolve("out"));
    long start = System.nanoTime();
    peer.connect(loopback(limited.port()));
    peer.completion().get(60, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // a lower bound only: a busy machine can make it slower, never faster
    assertTrue(millis >= 1500, "3 MiB at 1 MiB/s took " + millis + " ms");
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("out")));
  }

  @Test
  void emptyFileIsCompleteAtOnce() throws Exception {
    Path source = randomFile("empty", 0);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Torrent peer = peer(meta, dir.resolve("out"));
    assertTrue(peer.completion().isDone());
    assertEquals(0, Files.size(dir.resolve("out")));
  }

  @Test
  void aPeerSendingCorruptBlocksIsDroppedAndItsPiecesComeFromAnother() throws Exception {
    Path source = randomFile("source.bin", 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    byte[] bytes = Files.readAllBytes(source);
    for (int i = 0; i < bytes.length; i += 4096) bytes[i] ^= 1; // every piece is corrupt
    Torrent liar = seeder(Files.write(dir.resolve("corrupt.bin"), bytes), meta);
    Torrent peer = peer(meta, dir.resolve("out"));

    peer.connect(loopback(port(liar)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((liar.uploadedBytes() == 0 || peer.peerCount() > 0) && System.nanoTime() < deadline) Thread.sleep(20);
    assertTrue(liar.uploadedBytes() > 0, "the liar was never asked for anything");
    assertEquals(0, peer.peerCount(), "the liar is still connected");
    assertEquals(0, peer.verifiedBytes());

    peer.connect(loopback(port(seeder(source, meta))));
    peer.completion().get(30, TimeUnit.SECONDS);
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("out")));
  }

  /** {@code n} peers, each connected to the seeder and to each other, once all of them are complete. */
  private List<Torrent> meshAround(Torrent seeder, Metainfo meta, int n) throws Exception {
    List<Torrent> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) peers.add(peer(meta, dir.resolve("peer" + i)));
    for (Torrent p : peers) {
      p.connect(loopback(port(seeder)));
      for (Torrent other : peers) if (other != p) p.connect(loopback(port(other)));
    }
    CompletableFuture.allOf(peers.stream().map(Torrent::completion).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return peers;
  }

  private Torrent seeder(Path file, Metainfo meta) throws Exception {
    return seeder(file, meta, Admission.open());
  }

  private Torrent seeder(Path file, Metainfo meta, Admission admission) throws Exception {
    return seeder(file, meta, admission, SwarmOptions.defaults());
  }

  private Torrent seeder(Path file, Metainfo meta, Admission admission, SwarmOptions options) throws Exception {
    PieceStore store = PieceStore.openForReading(file, meta);
    BitSet all = new BitSet();
    all.set(0, meta.pieceCount());
    return start(store, all, admission, options);
  }

  private Torrent peer(Metainfo meta, Path out) throws Exception {
    return peer(meta, out, Admission.open());
  }

  private Torrent peer(Metainfo meta, Path out, Admission admission) throws Exception {
    return start(PieceStore.create(out, meta), new BitSet(), admission, SwarmOptions.defaults());
  }

  private Torrent start(PieceStore store, BitSet have, Admission admission, SwarmOptions options) throws Exception {
    Swarm s = Swarm.start(group, admission, new InetSocketAddress("127.0.0.1", 0), 0);
    closeLater.add(0, store);
    closeLater.add(0, s);
    Torrent t = s.add(store, have, options);
    ports.put(t, s.port());
    return t;
  }

  private int port(Torrent t) {
    return ports.get(t);
  }

  private Path randomFile(String name, int size) throws Exception {
    byte[] b = new byte[size];
    new Random(42).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }
}
