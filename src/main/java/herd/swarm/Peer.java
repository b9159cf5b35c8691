package herd.swarm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One connected peer as its torrent sees it: what it has, what we asked it for, whether it chokes us. Runs on the
 * torrent's executor and talks to the peer only through its {@link PeerLink}. A peer that asks is served at once,
 * unless this torrent is a seeder, which serves in turns ({@link UploadSlots}); this side keeps as many requests in
 * flight as its {@link RequestQueue} says, at most {@link SwarmOptions#pipeline}.
 */
final class Peer {
  private static final int MAX_REQUEST = 128 * 1024;

  private final Torrent torrent;
  private final PeerLink link;
  private final byte[] id;
  private final BitSet has = new BitSet();
  private final Set<Block> outstanding = new LinkedHashSet<>();
  private final RequestQueue queue;
  private boolean choked = true;
  private boolean interested;

  Peer(Torrent torrent, PeerLink link, byte[] id) {
    this.torrent = torrent;
    this.link = link;
    this.id = id;
    this.queue = new RequestQueue(torrent.options().pipeline());
  }

  byte[] id() {
    return id;
  }

  PeerLink link() {
    return link;
  }

  BitSet has() {
    return has;
  }

  /**
   * Admitted: tell the peer what we have (or, under initial seeding, what it may fetch) and unchoke it, unless a
   * seeder unchokes it in turn.
   */
  void start() {
    InitialSeeding seeding = torrent.seeding();
    if (seeding != null) {
      show(seeding.show(this, has));
    } else {
      BitSet have = torrent.picker().haveSet();
      if (!have.isEmpty()) link.send(new Message.Bitfield(toBytes(have, torrent.metainfo().pieceCount())));
    }
    if (torrent.serves(this)) link.send(new Message.Unchoke());
    link.flush();
  }

  /** A message other than a block. Replies are queued; the connection flushes once its read is processed. */
  void received(Message msg) throws IOException {
    if (msg instanceof Message.Request r) {
      onRequest(new Block(r.piece(), r.begin(), r.length()));
    } else if (msg instanceof Message.Have h) {
      checkIndex(h.piece());
      if (!has.get(h.piece())) {
        has.set(h.piece());
        torrent.picker().addAvailability(h.piece());
        if (torrent.seeding() != null) torrent.seeding().peerHas(h.piece());
        reported();
      }
    } else if (msg instanceof Message.Bitfield b) {
      onBitfield(b.bits());
    } else if (msg instanceof Message.Unchoke) {
      choked = false;
      fill();
    } else if (msg instanceof Message.Choke) {
      choked = true;
      dropOutstanding();
    } else if (msg instanceof Message.Interested) {
      torrent.interested(this, true);
    } else if (msg instanceof Message.NotInterested) {
      torrent.interested(this, false);
    }
    // Cancel, Port, Extended, KeepAlive: blocks are sent at once, so there is nothing left to cancel.
  }

  private void onBitfield(byte[] bits) {
    int pieces = torrent.metainfo().pieceCount();
    if (bits.length != (pieces + 7) / 8) throw new WireException("bitfield of " + bits.length + " bytes for " + pieces + " pieces");
    BitSet set = new BitSet(pieces);
    for (int i = 0; i < bits.length * 8; i++) {
      if ((bits[i >> 3] & (0x80 >>> (i & 7))) != 0) {
        if (i >= pieces) throw new WireException("bitfield sets spare bits");
        set.set(i);
      }
    }
    torrent.picker().removeAvailability(has);
    has.clear();
    has.or(set);
    torrent.picker().addAvailability(has);
    if (torrent.seeding() != null) set.stream().forEach(torrent.seeding()::peerHas);
    reported();
  }

  private void reported() {
    updateInterest();
    fill();
    torrent.peerReported(this);
  }

  private void onRequest(Block b) throws IOException {
    checkIndex(b.piece());
    if (!torrent.picker().have(b.piece())) throw new WireException("request for piece " + b.piece() + " we do not have");
    int pieceLength = torrent.metainfo().pieceLength(b.piece());
    if (b.length() <= 0 || b.length() > MAX_REQUEST || b.begin() < 0 || b.begin() > pieceLength - b.length()) {
      throw new WireException("bad request " + b);
    }
    if (!torrent.serves(this)) return; // sent before it learnt that we choked it
    link.sendBlock(b);
    torrent.sent(this, b.length());
  }

  /** A block arrived; {@code data} is only valid during the call. */
  void receivedBlock(Block b, ByteBuffer data) {
    if (outstanding.remove(b)) {
      queue.received(b.length(), System.nanoTime());
      if (outstanding.isEmpty()) queue.idle();
    } else {
      checkIndex(b.piece()); // unsolicited, or late after an endgame cancel
    }
    if (!torrent.picker().wanted(b)) return;
    try {
      torrent.store().write(b, data);
    } catch (IOException e) {
      torrent.fail(e);
      return;
    }
    torrent.blockReceived(this, b);
    fill();
  }

  /** Another peer delivered {@code b} first (endgame): stop waiting for it here. */
  void cancel(Block b) {
    if (outstanding.remove(b)) {
      if (outstanding.isEmpty()) queue.idle();
      link.send(new Message.Cancel(b.piece(), b.begin(), b.length()));
      link.flush();
    }
  }

  /** Tells the peer we have {@code pieces} (initial seeding shows them a few at a time). */
  void show(List<Integer> pieces) {
    for (int piece : pieces) link.send(new Message.Have(piece));
  }

  /** We verified a piece: tell the peer, and stop being interested once it has nothing more for us. */
  void announceHave(int piece) {
    link.send(new Message.Have(piece));
    updateInterest();
  }

  /**
   * Requests more blocks until the queue is full (queued, not flushed), once a quarter of it is free rather than
   * after every block: the picker is asked for a quarter of the queue at a time, and the other three quarters keep
   * the link busy meanwhile.
   */
  void fill() {
    if (choked) return;
    int depth = queue.depth();
    int room = depth - outstanding.size();
    if (room < Math.max(1, depth / 4)) return;
    List<Block> blocks = torrent.picker().next(this, has, room, outstanding);
    if (blocks.isEmpty()) return;
    if (outstanding.isEmpty()) queue.started(System.nanoTime());
    for (Block b : blocks) {
      outstanding.add(b);
      link.send(new Message.Request(b.piece(), b.begin(), b.length()));
    }
  }

  private void updateInterest() {
    boolean want = torrent.picker().interesting(has);
    if (want != interested) {
      interested = want;
      link.send(want ? new Message.Interested() : new Message.NotInterested());
    }
  }

  private void dropOutstanding() {
    for (Block b : outstanding) torrent.picker().cancelled(b);
    outstanding.clear();
    queue.idle();
  }

  private void checkIndex(int piece) {
    if (piece < 0 || piece >= torrent.metainfo().pieceCount()) throw new WireException("piece index " + piece + " out of range");
  }

  /** The connection closed: whatever it was fetching is up for grabs again. */
  void gone() {
    dropOutstanding();
    torrent.picker().removeAvailability(has);
    torrent.picker().peerGone(this);
    torrent.unregister(this);
  }

  static byte[] toBytes(BitSet set, int bits) {
    byte[] out = new byte[(bits + 7) / 8];
    for (int i = set.nextSetBit(0); i >= 0 && i < bits; i = set.nextSetBit(i + 1)) out[i >> 3] |= (byte) (0x80 >>> (i & 7));
    return out;
  }
}
