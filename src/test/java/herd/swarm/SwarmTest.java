package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
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
    Metainfo meta = Hashing.hashFile(source);
    Swarm seeder = seeder(source, meta);

    List<Swarm> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) peers.add(peer(meta, dir.resolve("peer" + i)));
    for (Swarm p : peers) {
      p.connect(loopback(seeder.port()));
      for (Swarm other : peers) if (other != p) p.connect(loopback(other.port()));
    }
    CompletableFuture.allOf(peers.stream().map(Swarm::completion).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

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
  void emptyFileIsCompleteAtOnce() throws Exception {
    Path source = randomFile("empty", 0);
    Metainfo meta = Hashing.hashFile(source);
    Swarm peer = peer(meta, dir.resolve("out"));
    assertTrue(peer.completion().isDone());
    assertEquals(0, Files.size(dir.resolve("out")));
  }

  @Test
  void corruptSeederDataIsNeverVerified() throws Exception {
    Path source = randomFile("source.bin", 1024 * 1024);
    Metainfo meta = Hashing.hashFile(source);
    byte[] bytes = Files.readAllBytes(source);
    bytes[70_000] ^= 1; // piece 1 of 64 KiB pieces
    Path corrupt = dir.resolve("corrupt.bin");
    Files.write(corrupt, bytes);
    Swarm seeder = seeder(corrupt, meta);
    Swarm peer = peer(meta, dir.resolve("out"));
    peer.connect(loopback(seeder.port()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (peer.verifiedBytes() < meta.length() - meta.pieceLength(1) && System.nanoTime() < deadline) Thread.sleep(20);
    assertEquals(meta.length() - meta.pieceLength(1), peer.verifiedBytes());
    assertTrue(!peer.completion().isDone());
  }

  private Swarm seeder(Path file, Metainfo meta) throws Exception {
    PieceStore store = PieceStore.openForReading(file, meta);
    BitSet all = new BitSet();
    all.set(0, meta.pieceCount());
    return start(store, all);
  }

  private Swarm peer(Metainfo meta, Path out) throws Exception {
    return start(PieceStore.create(out, meta), new BitSet());
  }

  private Swarm start(PieceStore store, BitSet have) throws Exception {
    byte[] id = new byte[20];
    new Random().nextBytes(id);
    Swarm s = Swarm.start(group, store, have, id, SwarmOptions.defaults(), new InetSocketAddress("127.0.0.1", 0));
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
