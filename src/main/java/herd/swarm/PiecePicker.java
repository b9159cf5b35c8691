package herd.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Chooses which blocks to request from which peer: a peer first finishes the pieces it started, then starts the
 * rarest piece it has (ties broken at random, so peers fetch different pieces from the seeder), then helps with
 * pieces others started, and in the endgame, when every missing piece is under way, asks again for blocks that are
 * requested elsewhere but not yet here, from {@link #MAX_ASKED} connections at most. Pure bookkeeping: no I/O, not
 * thread-safe, peers are opaque keys.
 */
public final class PiecePicker {
  /**
   * The most connections one block is asked of at once, in the endgame. Uploaders send what they are asked at once,
   * so every copy past the first is sent in full, to be thrown away: asked of all of a peer's 30 connections, the
   * last blocks of each peer cost the swarm more upload than the rest of the file.
   */
  static final int MAX_ASKED = 2;

  private final int pieceCount;
  private final IntUnaryOperator pieceLength;
  private final Random random;
  private final int[] availability;
  private final BitSet have = new BitSet();
  /** Pieces started and not yet verified, by index (null for the others), and the same in the order started. */
  private final Partial[] started;
  private final List<Partial> partials = new ArrayList<>();

  /** @param pieceLength the length in bytes of each piece, by index */
  public PiecePicker(int pieceCount, IntUnaryOperator pieceLength, Random random) {
    this.pieceCount = pieceCount;
    this.pieceLength = pieceLength;
    this.random = random;
    this.availability = new int[pieceCount];
    this.started = new Partial[pieceCount];
  }

  public void addAvailability(BitSet pieces) {
    for (int i = pieces.nextSetBit(0); i >= 0; i = pieces.nextSetBit(i + 1)) availability[i]++;
  }

  public void addAvailability(int piece) {
    availability[piece]++;
  }

  public void removeAvailability(BitSet pieces) {
    for (int i = pieces.nextSetBit(0); i >= 0; i = pieces.nextSetBit(i + 1)) availability[i]--;
  }

  /** How many connected peers have {@code piece}. */
  public int availability(int piece) {
    return availability[piece];
  }

  /** Whether a peer holding {@code pieces} has anything we lack. */
  public boolean interesting(BitSet pieces) {
    BitSet lacking = (BitSet) pieces.clone();
    lacking.andNot(have);
    return !lacking.isEmpty();
  }

  public boolean have(int piece) {
    return have.get(piece);
  }

  public BitSet haveSet() {
    return (BitSet) have.clone();
  }

  public int haveCount() {
    return have.cardinality();
  }

  public boolean complete() {
    return have.cardinality() == pieceCount;
  }

  public boolean endgame() {
    return partials.size() == pieceCount - have.cardinality() && !complete();
  }

  /**
   * Up to {@code max} blocks to request from {@code peer}, which holds {@code peerHas} and already has
   * {@code outstanding} requests from us. The returned blocks count as requested until received or
   * {@linkplain #cancelled cancelled}.
   */
  public List<Block> next(Object peer, BitSet peerHas, int max, Set<Block> outstanding) {
    List<Block> out = new ArrayList<>();
    for (Partial p : partials) {
      if (out.size() >= max) return out;
      if (p.owner == peer) p.take(out, max, 1, outstanding);
    }
    while (out.size() < max) {
      int piece = rarestUnstarted(peerHas);
      if (piece < 0) break;
      Partial p = new Partial(piece, peer);
      started[piece] = p;
      partials.add(p);
      p.take(out, max, 1, outstanding);
    }
    for (Partial p : partials) {
      if (out.size() >= max) return out;
      if (peerHas.get(p.piece)) {
        if (p.owner == null) p.owner = peer;
        p.take(out, max, 1, outstanding);
      }
    }
    if (endgame()) {
      for (Partial p : partials) {
        if (out.size() >= max) break;
        if (peerHas.get(p.piece)) p.take(out, max, MAX_ASKED, outstanding);
      }
    }
    return out;
  }

  /** Whether {@code block} is still wanted: not yet received and its piece not yet verified. */
  public boolean wanted(Block block) {
    Partial p = block.piece() >= 0 && block.piece() < pieceCount ? started[block.piece()] : null;
    return p != null && block.begin() % Block.SIZE == 0 && block.index() < p.blocks
        && !p.received.get(block.index()) && p.block(block.index()).equals(block);
  }

  /** Records a {@linkplain #wanted wanted} block. Returns true when that completes its piece, ready to verify. */
  public boolean received(Block block) {
    Partial p = started[block.piece()];
    p.received.set(block.index());
    return p.received.cardinality() == p.blocks;
  }

  /** A request that will not be answered (peer choked us or went away): free again unless asked of another. */
  public void cancelled(Block block) {
    Partial p = started[block.piece()];
    if (p != null && !p.received.get(block.index()) && p.asked[block.index()] > 0) p.asked[block.index()]--;
  }

  /** The peer is gone; pieces it started may be taken by anyone. */
  public void peerGone(Object peer) {
    for (Partial p : partials) if (p.owner == peer) p.owner = null;
  }

  public void verified(int piece) {
    forget(piece);
    have.set(piece);
  }

  /** The piece failed its hash: every block of it is fetched again. */
  public void failed(int piece) {
    forget(piece);
  }

  private void forget(int piece) {
    Partial p = started[piece];
    if (p == null) return;
    started[piece] = null;
    partials.remove(p);
  }

  /** Rarest piece that {@code peerHas}, we lack, and nobody started; ties at random. -1 if none. */
  private int rarestUnstarted(BitSet peerHas) {
    int best = -1;
    int bestAvailability = Integer.MAX_VALUE;
    int ties = 0;
    for (int i = peerHas.nextSetBit(0); i >= 0 && i < pieceCount; i = peerHas.nextSetBit(i + 1)) {
      if (have.get(i) || started[i] != null) continue;
      int a = availability[i];
      if (a < bestAvailability) {
        best = i;
        bestAvailability = a;
        ties = 1;
      } else if (a == bestAvailability && random.nextInt(++ties) == 0) {
        best = i;
      }
    }
    return best;
  }

  private final class Partial {
    final int piece;
    final int length;
    final int blocks;
    final BitSet received = new BitSet();
    /** How many connections each block is asked of now: a block neither asked of any nor received is free. */
    final int[] asked;
    Object owner;

    Partial(int piece, Object owner) {
      this.piece = piece;
      this.length = pieceLength.applyAsInt(piece);
      this.blocks = (length + Block.SIZE - 1) / Block.SIZE;
      this.owner = owner;
      this.asked = new int[blocks];
    }

    /**
     * Adds to {@code out}, up to {@code max} blocks in all, this piece's blocks not yet received and asked of fewer
     * than {@code limit} connections; above a limit of one, not those this connection was asked already
     * ({@code outstanding}, or {@code out}).
     */
    void take(List<Block> out, int max, int limit, Set<Block> outstanding) {
      for (int b = received.nextClearBit(0); b < blocks && out.size() < max; b = received.nextClearBit(b + 1)) {
        if (asked[b] >= limit) continue;
        Block block = block(b);
        if (limit > 1 && (outstanding.contains(block) || out.contains(block))) continue;
        asked[b]++;
        out.add(block);
      }
    }

    Block block(int b) {
      int begin = b * Block.SIZE;
      return new Block(piece, begin, Math.min(Block.SIZE, length - begin));
    }
  }
}
