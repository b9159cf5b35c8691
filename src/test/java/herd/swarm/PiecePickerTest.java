package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PiecePickerTest {
  private static final int PIECE = 4 * Block.SIZE;

  private static PiecePicker picker(int pieces, long seed) {
    return new PiecePicker(pieces, i -> PIECE, new Random(seed));
  }

  private static BitSet all(int n) {
    BitSet b = new BitSet();
    b.set(0, n);
    return b;
  }

  @Test
  void picksTheRarestPieceFirst() {
    PiecePicker p = picker(4, 1);
    p.addAvailability(all(4));
    p.addAvailability(all(4));
    BitSet common = new BitSet();
    common.set(0);
    common.set(1);
    common.set(3);
    p.addAvailability(common); // piece 2 is now the rarest
    List<Block> blocks = p.next("a", all(4), 4, Set.of());
    assertEquals(4, blocks.size());
    assertTrue(blocks.stream().allMatch(b -> b.piece() == 2), blocks.toString());
  }

  @Test
  void breaksTiesAtRandomSoPeersStartDifferentPieces() {
    Set<Integer> firsts = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      PiecePicker p = picker(100, seed);
      p.addAvailability(all(100));
      firsts.add(p.next("a", all(100), 1, Set.of()).get(0).piece());
    }
    assertTrue(firsts.size() > 5, "first picks " + firsts);
  }

  @Test
  void aPeerFinishesItsOwnPieceBeforeStartingAnother() {
    PiecePicker p = picker(10, 3);
    p.addAvailability(all(10));
    Block first = p.next("a", all(10), 1, Set.of()).get(0);
    List<Block> rest = p.next("a", all(10), 3, Set.of());
    assertTrue(rest.stream().allMatch(b -> b.piece() == first.piece()));
  }

  @Test
  void twoPeersGetDisjointPiecesBeforeTheEndgame() {
    PiecePicker p = picker(10, 4);
    p.addAvailability(all(10));
    List<Block> a = p.next("a", all(10), 8, Set.of());
    List<Block> b = p.next("b", all(10), 8, Set.of());
    Set<Block> overlap = new HashSet<>(a);
    overlap.retainAll(b);
    assertTrue(overlap.isEmpty(), overlap.toString());
  }

  @Test
  void onlyPiecesThePeerHasAreRequestedFromIt() {
    PiecePicker p = picker(10, 5);
    BitSet has = new BitSet();
    has.set(7);
    p.addAvailability(has);
    List<Block> blocks = p.next("a", has, 100, Set.of());
    assertEquals(4, blocks.size());
    assertTrue(blocks.stream().allMatch(b -> b.piece() == 7));
  }

  @Test
  void receivingEveryBlockCompletesThePieceAndVerifyingMarksIt() {
    PiecePicker p = picker(2, 6);
    p.addAvailability(all(2));
    List<Block> blocks = p.next("a", all(2), 8, Set.of());
    int completed = 0;
    for (Block b : blocks) {
      assertTrue(p.wanted(b));
      if (p.received(b)) completed++;
      assertFalse(p.wanted(b));
    }
    assertEquals(2, completed);
    p.verified(0);
    p.verified(1);
    assertTrue(p.complete());
    assertFalse(p.interesting(all(2)));
  }

  @Test
  void cancelledBlocksAreRequestedAgainBeforeAnythingElse() {
    PiecePicker p = picker(2, 7);
    p.addAvailability(all(2));
    List<Block> blocks = p.next("a", all(2), 4, Set.of());
    p.cancelled(blocks.get(2));
    p.peerGone("a");
    BitSet thatPiece = new BitSet();
    thatPiece.set(blocks.get(2).piece());
    assertEquals(List.of(blocks.get(2)), p.next("b", thatPiece, 4, Set.of()));
  }

  @Test
  void aFailedPieceIsFetchedWhole() {
    PiecePicker p = picker(1, 8);
    p.addAvailability(all(1));
    for (Block b : p.next("a", all(1), 4, Set.of())) p.received(b);
    p.failed(0);
    assertEquals(4, p.next("b", all(1), 4, Set.of()).size());
  }

  @Test
  void endgameRequestsOutstandingBlocksFromASecondPeerButNotAThird() {
    PiecePicker p = picker(1, 9);
    p.addAvailability(all(1));
    List<Block> a = p.next("a", all(1), 4, Set.of());
    assertTrue(p.endgame());
    List<Block> b = p.next("b", all(1), 4, Set.of());
    assertEquals(a, b);
    p.received(a.get(0));
    assertEquals(List.of(), p.next("c", all(1), 4, Set.of()));
    assertEquals(List.of(), p.next("b", all(1), 4, new HashSet<>(b)));
    // a choked us: its blocks may be asked of another
    a.subList(1, 4).forEach(p::cancelled);
    assertEquals(a.subList(1, 4), p.next("c", all(1), 4, Set.of()));
  }

  @Test
  void oneCallNeverAsksForTheSameBlockTwice() {
    PiecePicker p = picker(2, 11);
    p.addAvailability(all(2));
    List<Block> blocks = p.next("a", all(2), 100, Set.of());
    assertTrue(p.endgame());
    assertEquals(8, blocks.size());
    assertEquals(8, new HashSet<>(blocks).size(), blocks.toString());
  }

  @Test
  void blocksThatDoNotMatchARequestShapeAreNotWanted() {
    PiecePicker p = picker(1, 10);
    p.addAvailability(all(1));
    p.next("a", all(1), 4, Set.of());
    assertFalse(p.wanted(new Block(0, 1, Block.SIZE)));
    assertFalse(p.wanted(new Block(0, 0, Block.SIZE + 1)));
    assertFalse(p.wanted(new Block(0, 4 * Block.SIZE, Block.SIZE)));
    assertFalse(p.wanted(new Block(1, 0, Block.SIZE)));
    assertFalse(p.wanted(new Block(-1, 0, Block.SIZE)));
    assertNotEquals(null, p.next("b", all(1), 1, Set.of()));
  }
}
