package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A torrent's logic driven by peer events, without sockets or Netty: every executor runs tasks at once. */
class TorrentTest {
  private static final int PIECES = 5;
  @TempDir Path dir;
  private byte[] content;
  private Metainfo meta;
  private final List<PieceStore> stores = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    content = new byte[PIECES * 64 * 1024 - 100];
    new Random(7).nextBytes(content);
    meta = Hashing.hashFile(Files.write(dir.resolve("source"), content)).metainfo();
    assertEquals(PIECES, meta.pieceCount());
  }

  @AfterEach
  void tearDown() throws IOException {
    for (PieceStore s : stores) s.close();
  }

  @Test
  void aLeecherAsksAnUnchokingPeerForBlocksAndCompletesOnceEveryPieceChecksOut() throws IOException {
    Torrent t = leecher(new SwarmOptions(8, 10, SwarmOptions.Seeding.EVERYTHING, Duration.ZERO));
    Link seeder = new Link("seeder");
    Peer peer = t.join(seeder, id(1), true);
    assertEquals(List.of(new Message.Unchoke()), seeder.sent, "nothing to show yet: only an unchoke");

    seeder.sent.clear();
    peer.received(new Message.Bitfield(Peer.toBytes(all(), PIECES)));
    assertEquals(List.of(new Message.Interested()), seeder.sent, "no requests before the peer unchokes us");
    peer.received(new Message.Unchoke());
    assertEquals(RequestQueue.INITIAL, seeder.requests().size(), "a first queue's worth of requests");

    // answer every request until nothing more is asked
    Set<Message.Request> answered = new HashSet<>();
    while (!t.completion().isDone()) {
      List<Message.Request> open = seeder.requests().stream().filter(answered::add).toList();
      assertFalse(open.isEmpty(), "stalled with pieces missing");
      for (Message.Request r : open) peer.receivedBlock(new Block(r.piece(), r.begin(), r.length()), block(r));
    }
    assertEquals(meta.length(), t.verifiedBytes());
    assertEquals(PIECES, seeder.sent.stream().filter(m -> m instanceof Message.Have).count());
    assertTrue(seeder.sent.contains(new Message.NotInterested()));
    assertArrayEquals(Hashing.hashFile(dir.resolve("source")).contentDigest(), t.contentDigest());
    assertArrayEquals(content, Files.readAllBytes(dir.resolve("out")));
  }

  @Test
  void aPeerWhoseBlocksFailTheHashIsDroppedAndNotLetBackIn() throws IOException {
    Torrent t = leecher(new SwarmOptions(128, 10, SwarmOptions.Seeding.EVERYTHING, Duration.ZERO));
    Link liar = new Link("liar");
    Peer peer = t.join(liar, id(9), true);
    peer.received(new Message.Bitfield(Peer.toBytes(all(), PIECES)));
    peer.received(new Message.Unchoke());
    // every block it sends is corrupt: the first piece it completes fails its hash
    int answered = 0;
    while (!liar.closed) {
      List<Message.Request> open = liar.requests().subList(answered, liar.requests().size());
      answered += open.size();
      assertFalse(open.isEmpty(), "the liar was not asked for a whole piece");
      for (Message.Request r : open) {
        if (liar.closed) break; // a closed connection reads nothing more
        ByteBuffer data = ByteBuffer.allocate(r.length()).put(block(r)).flip();
        data.put(0, (byte) (data.get(0) ^ 1));
        peer.receivedBlock(new Block(r.piece(), r.begin(), r.length()), data);
      }
    }
    peer.gone();
    assertNull(t.join(new Link("liar again"), id(9), false), "a banned peer came back");
    assertEquals(0, t.verifiedBytes());

    // an honest peer is asked for every piece, the failed one too, and the content checks out
    Link honest = new Link("honest");
    Peer other = t.join(honest, id(2), true);
    other.received(new Message.Bitfield(Peer.toBytes(all(), PIECES)));
    other.received(new Message.Unchoke());
    answered = 0;
    while (!t.completion().isDone()) {
      List<Message.Request> open = honest.requests().subList(answered, honest.requests().size());
      answered += open.size();
      assertFalse(open.isEmpty(), "stalled with pieces missing");
      for (Message.Request r : open) other.receivedBlock(new Block(r.piece(), r.begin(), r.length()), block(r));
    }
    assertArrayEquals(content, Files.readAllBytes(dir.resolve("out")));
  }

  @Test
  void requestsOutsideWhatWeHaveEndTheConnection() throws IOException {
    Torrent t = leecher(SwarmOptions.defaults());
    Peer peer = t.join(new Link("asker"), id(3), false);
    assertThrows(WireException.class, () -> peer.received(new Message.Request(0, 0, Block.SIZE)));
    assertThrows(WireException.class, () -> peer.received(new Message.Have(PIECES)));
    assertThrows(WireException.class, () -> peer.received(new Message.Bitfield(new byte[] {(byte) 0xff})));
  }

  @Test
  void ofTwoConnectionsBetweenTheSamePairBothSidesKeepTheOneDialedByTheSmallerId() throws IOException {
    Torrent t = leecher(SwarmOptions.defaults());
    byte[] mine = t.peerId();
    byte[] smaller = mine.clone();
    byte[] larger = mine.clone();
    smaller[19]--;
    larger[19]++;
    // the other side has the smaller id: its outgoing connection (incoming here) wins
    Link dialedBySmaller = new Link("in");
    assertNotNull(t.join(dialedBySmaller, smaller, false));
    assertNull(t.join(new Link("out"), smaller, true));
    assertFalse(dialedBySmaller.closed);
    // our id is smaller: our outgoing connection wins, and replaces the incoming one
    Link dialedByLarger = new Link("in");
    assertNotNull(t.join(dialedByLarger, larger, false));
    assertNotNull(t.join(new Link("out"), larger, true));
    assertTrue(dialedByLarger.closed);
    assertNull(t.join(new Link("self"), mine, false), "connected to itself");
  }

  @Test
  void anInitialSeederShowsEachPeerOnlyPiecesNobodyElseWasShown() throws IOException {
    PieceStore store = PieceStore.openForReading(dir.resolve("source"), meta);
    stores.add(store);
    // a window of two pieces per peer
    Torrent seeder = torrent(store, all(), new SwarmOptions(4, 10, SwarmOptions.Seeding.INITIAL, Duration.ZERO));
    Link a = new Link("a");
    Link b = new Link("b");
    seeder.join(a, id(1), false);
    seeder.join(b, id(2), false);
    Set<Integer> shownA = a.haves();
    Set<Integer> shownB = b.haves();
    assertTrue(a.sent.stream().noneMatch(m -> m instanceof Message.Bitfield), "a seeder under initial seeding sent a bitfield");
    assertEquals(2, shownA.size());
    assertEquals(2, shownB.size());
    assertTrue(shownA.stream().noneMatch(shownB::contains), "one piece shown to both: " + shownA + " " + shownB);
  }

  @Test
  void aSeederHangsUpAfterATermOnlyWhenCrowdedAndNoLongerHoldingPiecesBack() throws IOException {
    PieceStore store = PieceStore.openForReading(dir.resolve("source"), meta);
    stores.add(store);
    Torrent roomy = torrent(store, all(), new SwarmOptions(4, 10, SwarmOptions.Seeding.INITIAL, Duration.ofSeconds(1)));
    Torrent crowded = torrent(store, all(), new SwarmOptions(4, 2, SwarmOptions.Seeding.INITIAL, Duration.ofSeconds(1)));
    Peer inRoomy = roomy.join(new Link("a"), id(1), false);
    Peer inCrowded = crowded.join(new Link("b"), id(1), false);
    assertFalse(crowded.rotates(), "hung up while it was the only peer shown some pieces");

    Message.Bitfield everything = new Message.Bitfield(Peer.toBytes(all(), PIECES));
    inRoomy.received(everything);
    inCrowded.received(everything);
    assertTrue(crowded.rotates(), "every piece is out and half its connections are taken");
    assertFalse(roomy.rotates(), "nobody waits for a connection");
  }

  @Test
  void aSeederServesAFewInterestedPeersAtATimeAndHandsTheTurnOnOnceItSentOneAPiece() throws Exception {
    PieceStore store = PieceStore.openForReading(dir.resolve("source"), meta);
    stores.add(store);
    Torrent seeder = torrent(store, all(), new SwarmOptions(4, 10, SwarmOptions.Seeding.INITIAL, Duration.ZERO));
    List<Link> links = new ArrayList<>();
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i <= SwarmOptions.SEEDER_SLOTS; i++) {
      Link link = new Link("p" + i);
      links.add(link);
      peers.add(seeder.join(link, id(i + 1), false));
      assertFalse(link.sent.contains(new Message.Unchoke()), "unchoked before it asked for anything");
      peers.get(i).received(new Message.Interested());
    }
    for (int i = 0; i < SwarmOptions.SEEDER_SLOTS; i++) assertTrue(links.get(i).sent.contains(new Message.Unchoke()));
    Link last = links.get(SwarmOptions.SEEDER_SLOTS);
    Peer waiting = peers.get(SwarmOptions.SEEDER_SLOTS);
    assertFalse(last.sent.contains(new Message.Unchoke()), "more peers served at once than the seeder's slots");

    int piece = links.get(0).haves().iterator().next();
    waiting.received(new Message.Request(piece, 0, Block.SIZE));
    assertFalse(last.sent.stream().anyMatch(m -> m instanceof Block), "served while choked");

    // the first peer fetches a piece, and its turn has lasted long enough: it ends, and the peer that waited is unchoked
    Thread.sleep(UploadSlots.MIN_TURN_NANOS / 1_000_000);
    for (int begin = 0; begin < meta.pieceLength(piece); begin += Block.SIZE) {
      peers.get(0).received(new Message.Request(piece, begin, Math.min(Block.SIZE, meta.pieceLength(piece) - begin)));
    }
    assertEquals(new Message.Choke(), links.get(0).sent.get(links.get(0).sent.size() - 1), "the turn did not end after the piece");
    assertTrue(last.sent.contains(new Message.Unchoke()), "the waiting peer was not unchoked");
    peers.get(0).received(new Message.Request(piece, 0, Block.SIZE));
    assertEquals(new Message.Choke(), links.get(0).sent.get(links.get(0).sent.size() - 1), "served after its turn");
  }

  @Test
  void aSparingSeederShowsOnlyWhatNoConnectedPeerHasAndShowsAgainWhatLeavesWithAPeer() throws IOException {
    PieceStore store = PieceStore.openForReading(dir.resolve("source"), meta);
    stores.add(store);
    Torrent seeder = torrent(store, all(), new SwarmOptions(4, 10, SwarmOptions.Seeding.SPARING, Duration.ZERO));
    Link a = new Link("a");
    Peer first = seeder.join(a, id(1), false);
    // a fetches what it is shown, and is shown more, until it has everything
    while (a.haves().size() < PIECES) {
      for (int piece : a.haves()) first.received(new Message.Have(piece));
    }
    for (int piece : a.haves()) first.received(new Message.Have(piece));

    Link b = new Link("b");
    Peer second = seeder.join(b, id(2), false);
    assertEquals(Set.of(), b.haves(), "shown pieces another peer has");
    assertTrue(b.sent.stream().noneMatch(m -> m instanceof Message.Bitfield));

    first.gone();
    assertEquals(2, b.haves().size(), "pieces that left with a are not shown again, a window at a time");
    for (int round = 0; round < PIECES && b.haves().size() < PIECES; round++) {
      for (int piece : b.haves()) second.received(new Message.Have(piece));
    }
    assertEquals(Set.of(0, 1, 2, 3, 4), b.haves());
  }

  private Torrent leecher(SwarmOptions options) throws IOException {
    PieceStore store = PieceStore.create(dir.resolve("out"), meta);
    stores.add(store);
    return torrent(store, new BitSet(), options);
  }

  private Torrent torrent(PieceStore store, BitSet have, SwarmOptions options) {
    return new Torrent(store, have, id(0), options, Runnable::run, Runnable::run, (t, address) -> {
      throw new AssertionError("nothing dials in these tests");
    });
  }

  private static BitSet all() {
    BitSet b = new BitSet();
    b.set(0, PIECES);
    return b;
  }

  private static byte[] id(int n) {
    byte[] id = new byte[20];
    id[0] = (byte) n;
    id[19] = 100;
    return id;
  }

  private ByteBuffer block(Message.Request r) {
    return ByteBuffer.wrap(content, (int) meta.pieceOffset(r.piece()) + r.begin(), r.length()).slice();
  }

  /** Records what the torrent sends a peer. */
  private static final class Link implements PeerLink {
    private final String name;
    final List<Object> sent = new ArrayList<>();
    boolean closed;

    Link(String name) {
      this.name = name;
    }

    List<Message.Request> requests() {
      return sent.stream().filter(m -> m instanceof Message.Request).map(m -> (Message.Request) m).toList();
    }

    Set<Integer> haves() {
      Set<Integer> out = new HashSet<>();
      for (Object m : sent) if (m instanceof Message.Have h) out.add(h.piece());
      return out;
    }

    @Override
    public void send(Message message) {
      sent.add(message);
    }

    @Override
    public void sendBlock(Block block) {
      sent.add(block);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String describe() {
      return name;
    }
  }
}
