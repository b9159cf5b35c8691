package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.Metainfo;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InitialSeedingTest {
  @Test
  void showsEachPeerAWindowOfPiecesNobodyElseWasShown() {
    InitialSeeding s = new InitialSeeding(100, 4, false, new Random(1));
    Set<Integer> seen = new HashSet<>();
    for (String peer : List.of("a", "b", "c")) {
      List<Integer> shown = s.show(peer, new BitSet());
      assertEquals(4, shown.size());
      for (int p : shown) assertTrue(seen.add(p), "piece " + p + " shown twice");
    }
  }

  @Test
  void showsMoreOnlyAsThePeerGetsWhatItWasShown() {
    InitialSeeding s = new InitialSeeding(100, 2, false, new Random(2));
    BitSet has = new BitSet();
    List<Integer> first = s.show("a", has);
    assertEquals(List.of(), s.show("a", has));
    has.set(first.get(0));
    s.peerHas(first.get(0));
    assertEquals(1, s.show("a", has).size());
  }

  @Test
  void piecesShownToAPeerThatLeftAreShownToAnotherOnceAllWereShown() {
    InitialSeeding s = new InitialSeeding(3, 3, false, new Random(3));
    List<Integer> toA = s.show("a", new BitSet());
    assertEquals(3, toA.size());
    s.peerGone("a");
    assertEquals(new HashSet<>(toA), new HashSet<>(s.show("b", new BitSet())));
  }

  @Test
  void isDoneWhenEveryPieceReachedSomePeer() {
    InitialSeeding s = new InitialSeeding(2, 2, false, new Random(4));
    s.show("a", new BitSet());
    s.peerHas(0);
    assertFalse(s.done());
    s.peerHas(1);
    assertTrue(s.done());
  }

  @Test
  void neverShowsAPeerWhatItHas() {
    InitialSeeding s = new InitialSeeding(10, 10, false, new Random(5));
    BitSet has = new BitSet();
    has.set(0, 5);
    for (int p : s.show("a", has)) assertTrue(p >= 5);
  }

  @Test
  void sparingNeverShowsAPieceTwiceUnlessEveryPeerShownItLeftWithoutIt() {
    InitialSeeding s = new InitialSeeding(4, 2, true, new Random(6));
    Object a = "a";
    Object b = "b";
    Object c = "c";
    List<Integer> toA = s.show(a, new BitSet());
    List<Integer> toB = s.show(b, new BitSet());
    assertEquals(2, toA.size());
    assertEquals(2, toB.size());
    assertEquals(List.of(), s.show(c, new BitSet()), "shown twice while others fetch it");
    s.peerHas(toA.get(0));
    s.peerGone(a); // left with one of its two pieces, and without the other
    assertEquals(List.of(toA.get(1)), s.show(c, new BitSet()));
  }

  @Test
  void theWindowKeepsRequestsFlowingButLetsTheSeederShowEachOfItsPeersOtherPieces() {
    SwarmOptions seeder = SwarmOptions.seeder(SwarmOptions.Seeding.INITIAL);
    assertEquals(4, InitialSeeding.window(file(1024, 1 << 20), seeder), "1 GiB: two pipelines of 2 MiB");
    assertEquals(25, InitialSeeding.window(file(1536, 64 << 10), seeder), "96 MiB: a 60th of its pieces");
    assertEquals(2, InitialSeeding.window(file(128, 16 << 10), seeder), "a 60th of 128 pieces");
    assertEquals(2, InitialSeeding.window(file(32, 64 << 10), seeder), "2 MiB: at least two");
    SwarmOptions serve = SwarmOptions.seeder(SwarmOptions.Seeding.SPARING);
    assertEquals(64, InitialSeeding.window(file(32, 64 << 10), serve), "herd serve: two pipelines of 2 MiB");
  }

  private static Metainfo file(int pieces, int pieceLength) {
    return new Metainfo("f", pieceLength, (long) pieces * pieceLength, new byte[20 * pieces]);
  }
}
