package herd.swarm;

import herd.metainfo.Metainfo;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The seeder's initial seeding (like BEP 16's super-seeding): its uplink is the scarce resource, so until every
 * piece has reached some peer, each peer is shown only a small window of pieces, chosen so that no piece is sent
 * twice while another has not been sent at all; the peers trade those among themselves. Once every piece is out,
 * everything is shown. A sparing seeding ({@link SwarmOptions.Seeding#SPARING}) never shows a piece twice unless
 * every peer it was shown to left without it: no piece is fetched from the seeder that a peer could have fetched
 * from another. Pure bookkeeping: no I/O, not thread-safe, peers are opaque keys.
 */
final class InitialSeeding {
  /**
   * How many of the pieces shown to a peer it may lack at once: enough to keep its requests to the seeder flowing (two
   * pipelines' worth of blocks), and at least two. A push's seeder shows at most so many that it can show different
   * pieces to all the peers it may hold: else a small file's every piece was shown to each peer, and their turns went
   * to pieces others had been sent (500 peers with 128 pieces took 1.3 to 1.45 copies of the file from the seeder,
   * against 1.12 with two). Not {@code herd serve}'s, whose peers may be any client: transmission-cli and the bt
   * library did not finish with a window of two ({@code ServeInteropTest}).
   */
  static int window(Metainfo meta, SwarmOptions options) {
    int pipelines = 2 * options.pipeline() * Block.SIZE / meta.pieceLength();
    boolean push = options.seeding() != SwarmOptions.Seeding.SPARING;
    return Math.max(2, push ? Math.min(pipelines, meta.pieceCount() / options.maxPeers()) : pipelines);
  }

  private final int pieceCount;
  private final int window;
  private final boolean sparing;
  /** Every piece, in the random order they are first shown in; those before {@code cursor} were all shown. */
  private final List<Integer> order = new ArrayList<>();
  private final BitSet everShown = new BitSet();
  private final BitSet distributed = new BitSet();
  private int cursor;
  private final Map<Object, BitSet> shown = new HashMap<>();

  /** @param window how many shown pieces a peer may lack at once */
  InitialSeeding(int pieceCount, int window, boolean sparing, Random random) {
    this.pieceCount = pieceCount;
    this.window = window;
    this.sparing = sparing;
    for (int i = 0; i < pieceCount; i++) order.add(i);
    Collections.shuffle(order, random);
  }

  /** Every piece has reached a peer: the seeder now shows everything. */
  boolean done() {
    return distributed.cardinality() == pieceCount;
  }

  /** A peer has {@code piece} (it said so in a bitfield or a have). */
  void peerHas(int piece) {
    distributed.set(piece);
  }

  /** The last connected peer that had {@code piece} left: it is to be shown again. */
  void lost(int piece) {
    distributed.clear(piece);
    unshow(piece);
  }

  /** Makes {@code piece} new again, to be shown to the next peer with room. */
  private void unshow(int piece) {
    everShown.clear(piece);
    cursor = 0;
  }

  /**
   * Pieces to show {@code peer} now, which holds {@code peerHas}: enough that it lacks {@code window} of those it
   * was shown. New pieces first, then pieces shown to others that have not reached anyone yet.
   */
  List<Integer> show(Object peer, BitSet peerHas) {
    BitSet mine = shown.computeIfAbsent(peer, k -> new BitSet());
    BitSet lacking = (BitSet) mine.clone();
    lacking.andNot(peerHas);
    int room = window - lacking.cardinality();
    List<Integer> out = new ArrayList<>();
    while (cursor < pieceCount && everShown.get(order.get(cursor))) cursor++;
    for (int i = cursor; i < pieceCount && out.size() < room; i++) {
      int piece = order.get(i);
      if (!everShown.get(piece) && !peerHas.get(piece)) out.add(piece);
    }
    for (int piece = distributed.nextClearBit(0); !sparing && piece < pieceCount && out.size() < room;
        piece = distributed.nextClearBit(piece + 1)) {
      if (everShown.get(piece) && !mine.get(piece) && !peerHas.get(piece)) out.add(piece);
    }
    for (int piece : out) {
      mine.set(piece);
      everShown.set(piece);
    }
    return out;
  }

  /** The pieces {@code peer} was shown. */
  BitSet shownTo(Object peer) {
    BitSet mine = shown.get(peer);
    return mine == null ? new BitSet() : (BitSet) mine.clone();
  }

  void peerGone(Object peer) {
    BitSet mine = shown.remove(peer);
    if (!sparing || mine == null) return;
    // what it was shown and left without, nobody else was shown: new again
    mine.andNot(distributed);
    for (BitSet other : shown.values()) mine.andNot(other);
    for (int piece = mine.nextSetBit(0); piece >= 0; piece = mine.nextSetBit(piece + 1)) unshow(piece);
  }
}
