package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UploadSlotsTest {
  private static final int PIECE = 64 * 1024;
  /** Long enough for a turn to end. */
  private static final long LATER = UploadSlots.MIN_TURN_NANOS;

  @Test
  void servesAFewPeersAtOnceAndHandsTheTurnOnOnceAPieceIsSent() {
    UploadSlots slots = new UploadSlots(2, PIECE);
    assertEquals(new UploadSlots.Turn(null, "a"), slots.interested("a", 0));
    assertEquals(new UploadSlots.Turn(null, "b"), slots.interested("b", 0));
    assertEquals(UploadSlots.Turn.NONE, slots.interested("c", 0), "no slot free: c waits");
    assertEquals(UploadSlots.Turn.NONE, slots.interested("a", 0), "asking twice changes nothing");
    assertFalse(slots.unchoked("c"));

    assertEquals(UploadSlots.Turn.NONE, slots.sent("a", PIECE - 1, LATER));
    assertEquals(new UploadSlots.Turn("a", "c"), slots.sent("a", 1, LATER), "a's piece is out: c's turn");
    assertTrue(slots.unchoked("c"));
    assertFalse(slots.unchoked("a"));
    assertEquals(new UploadSlots.Turn("b", "a"), slots.sent("b", PIECE, LATER), "a waited behind c and gets the next turn");
  }

  @Test
  void aTurnLastsAtLeastItsMinimumHoweverFastThePieceGoes() {
    UploadSlots slots = new UploadSlots(1, PIECE);
    slots.interested("a", 0);
    slots.interested("b", 0);
    assertEquals(UploadSlots.Turn.NONE, slots.sent("a", 10 * PIECE, LATER - 1));
    assertEquals(new UploadSlots.Turn("a", "b"), slots.sent("a", 1, LATER));
  }

  @Test
  void keepsServingAPeerWhileNobodyWaits() {
    UploadSlots slots = new UploadSlots(2, PIECE);
    slots.interested("a", 0);
    assertEquals(UploadSlots.Turn.NONE, slots.sent("a", 3 * PIECE, LATER));
    assertTrue(slots.unchoked("a"));
    slots.interested("b", LATER);
    slots.interested("c", LATER);
    assertEquals(UploadSlots.Turn.NONE, slots.sent("a", PIECE - 1, 2 * LATER), "a new turn started when its last ended");
    assertEquals(new UploadSlots.Turn("a", "c"), slots.sent("a", 1, 2 * LATER));
  }

  @Test
  void aPeerThatWantsNothingMoreOrLeftGivesItsSlotToTheNext() {
    UploadSlots slots = new UploadSlots(1, PIECE);
    slots.interested("a", 0);
    slots.interested("b", 0);
    slots.interested("c", 0);
    assertEquals(UploadSlots.Turn.NONE, slots.notInterested("c", 0), "a waiting peer just leaves the line");
    assertEquals(new UploadSlots.Turn("a", "b"), slots.notInterested("a", 0));
    assertEquals(new UploadSlots.Turn("b", null), slots.notInterested("b", 0), "nobody left to serve");
    assertEquals(UploadSlots.Turn.NONE, slots.sent("b", PIECE, LATER), "a choked peer's requests do not count");
  }
}
