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
    List<Swarm> peers = meshAround(seeder(source, meta), meta, 3);

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
    Swarm seeder = seeder(source, meta, Admission.members(secret, tls));

    Swarm member = peer(meta, dir.resolve("member"), Admission.members(secret, tls));
    Swarm plainOutsider = peer(meta, dir.resolve("plain"), Admission.open());
    Swarm wrongSecret = peer(meta, dir.resolve("wrong-secret"), Admission.members("guess".getBytes(StandardCharsets.US_ASCII), tls));
    Swarm otherRunsKey = peer(meta, dir.resolve("other-key"), Admission.members(secret, RunCredentials.generate()));
    for (Swarm s : List.of(member, plainOutsider, wrongSecret, otherRunsKey)) s.connect(loopback(seeder.port()));

    member.completion().get(30, TimeUnit.SECONDS);
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("member")));
    Thread.sleep(500);
    for (Swarm outsider : List.of(plainOutsider, wrongSecret, otherRunsKey)) {
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
    Swarm seeder = seeder(source, meta, Admission.members(secret, null));
    Swarm member = peer(meta, dir.resolve("member"), Admission.members(secret, null));
    Swarm outsider = peer(meta, dir.resolve("outsider"), Admission.open());
    member.connect(loopback(seeder.port()));
    outsider.connect(loopback(seeder.port()));
    member.completion().get(30, TimeUnit.SECONDS);
    Thread.sleep(300);
    assertEquals(0, outsider.verifiedBytes());
  }

  @Test
  void underInitialSeedingPeersCompleteByTradingWhatTheSeederShowedThem() throws Exception {
    Path source = randomFile("source.bin", 16 * 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    List<Swarm> peers = meshAround(seeder(source, meta, Admission.open(), SwarmOptions.defaults().withInitialSeeding()), meta, 3);
    for (int i = 0; i < 3; i++) assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("peer" + i)));
    long shared = peers.stream().mapToLong(Swarm::uploadedBytes).sum();
    assertTrue(shared >= meta.length(), "the peers shared too little: " + shared);
  }

  @Test
  void malformedMessagesCloseOnlyTheirConnection() throws Exception {
    Path source = randomFile("source.bin", 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Swarm seeder = seeder(source, meta);
    Swarm leecher = peer(meta, dir.resolve("leecher"));
    int pieces = meta.pieceCount();
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("request beyond the file", message(6, pieces, 0, 16384));
    bad.put("request beyond its piece", message(6, 0, meta.pieceLength() - 100, 16384));
    bad.put("oversized request", message(6, 0, 0, 1 << 20));
    bad.put("bitfield of the wrong size", ByteBuffer.allocate(5 + 9).putInt(10).put((byte) 5).array());
    bad.put("unknown message id", ByteBuffer.allocate(5).putInt(1).put((byte) 20).array());
    bad.put("oversized length", ByteBuffer.allocate(5).putInt(1 << 30).put((byte) 7).array());
    bad.put("have beyond the file", ByteBuffer.allocate(9).putInt(5).put((byte) 4).putInt(pieces).array());
    for (Map.Entry<String, byte[]> e : bad.entrySet()) assertClosedAfter(seeder, meta, e.getValue(), e.getKey());
    assertClosedAfter(leecher, meta, message(6, 0, 0, 16384), "request for a piece not verified here");

    Swarm honest = peer(meta, dir.resolve("honest"));
    honest.connect(loopback(seeder.port()));
    honest.completion().get(30, TimeUnit.SECONDS);
  }

  private static byte[] message(int id, int a, int b, int c) {
    return ByteBuffer.allocate(17).putInt(13).put((byte) id).putInt(a).putInt(b).putInt(c).array();
  }

  /** Connects as a peer, sends {@code bad}, and expects the swarm to hang up. */
  private static void assertClosedAfter(Swarm target, Metainfo meta, byte[] bad, String what) throws Exception {
    try (Socket s = new Socket("127.0.0.1", target.port())) {
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
  void emptyFileIsCompleteAtOnce() throws Exception {
    Path source = randomFile("empty", 0);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    Swarm peer = peer(meta, dir.resolve("out"));
    assertTrue(peer.completion().isDone());
    assertEquals(0, Files.size(dir.resolve("out")));
  }

  @Test
  void aPeerSendingCorruptBlocksIsDroppedAndItsPiecesComeFromAnother() throws Exception {
    Path source = randomFile("source.bin", 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    byte[] bytes = Files.readAllBytes(source);
    for (int i = 0; i < bytes.length; i += 4096) bytes[i] ^= 1; // every piece is corrupt
    Swarm liar = seeder(Files.write(dir.resolve("corrupt.bin"), bytes), meta);
    Swarm peer = peer(meta, dir.resolve("out"));

    peer.connect(loopback(liar.port()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((liar.uploadedBytes() == 0 || peer.peerCount() > 0) && System.nanoTime() < deadline) Thread.sleep(20);
    assertTrue(liar.uploadedBytes() > 0, "the liar was never asked for anything");
    assertEquals(0, peer.peerCount(), "the liar is still connected");
    assertEquals(0, peer.verifiedBytes());

    peer.connect(loopback(seeder(source, meta).port()));
    peer.completion().get(30, TimeUnit.SECONDS);
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve("out")));
  }

  /** {@code n} peers, each connected to the seeder and to each other, once all of them are complete. */
  private List<Swarm> meshAround(Swarm seeder, Metainfo meta, int n) throws Exception {
    List<Swarm> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) peers.add(peer(meta, dir.resolve("peer" + i)));
    for (Swarm p : peers) {
      p.connect(loopback(seeder.port()));
      for (Swarm other : peers) if (other != p) p.connect(loopback(other.port()));
    }
    CompletableFuture.allOf(peers.stream().map(Swarm::completion).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return peers;
  }

  private Swarm seeder(Path file, Metainfo meta) throws Exception {
    return seeder(file, meta, Admission.open());
  }

  private Swarm seeder(Path file, Metainfo meta, Admission admission) throws Exception {
    return seeder(file, meta, admission, SwarmOptions.defaults());
  }

  private Swarm seeder(Path file, Metainfo meta, Admission admission, SwarmOptions options) throws Exception {
    PieceStore store = PieceStore.openForReading(file, meta);
    BitSet all = new BitSet();
    all.set(0, meta.pieceCount());
    return start(store, all, admission, options);
  }

  private Swarm peer(Metainfo meta, Path out) throws Exception {
    return peer(meta, out, Admission.open());
  }

  private Swarm peer(Metainfo meta, Path out, Admission admission) throws Exception {
    return start(PieceStore.create(out, meta), new BitSet(), admission, SwarmOptions.defaults());
  }

  private Swarm start(PieceStore store, BitSet have, Admission admission, SwarmOptions options) throws Exception {
    Swarm s = Swarm.start(group, store, have, admission, options, new InetSocketAddress("127.0.0.1", 0));
    closeLater.add(0, store);
    closeLater.add(0, s);
    return s;
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
