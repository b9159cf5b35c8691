package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RequestQueueTest {
  private static final long MS = 1_000_000;

  @Test
  void startsSmallAndGrowsToASecondOfAFastPeersDeliveryUpToTheCap() {
    RequestQueue queue = new RequestQueue(128);
    assertEquals(RequestQueue.INITIAL, queue.depth());
    queue.started(0);
    // 4 blocks every millisecond: 64 MiB/s, a second of which is 4,096 blocks
    for (long t = 1; t <= 300; t++) {
      for (int i = 0; i < 4; i++) queue.received(Block.SIZE, t * MS);
    }
    assertEquals(128, queue.depth());
  }

  @Test
  void aSlowPeerIsAskedForASecondOfItsRateAndNoLessThanTheMinimum() {
    RequestQueue queue = new RequestQueue(128);
    queue.started(0);
    // 8 blocks a second
    for (int i = 1; i <= 16; i++) queue.received(Block.SIZE, i * 125 * MS);
    assertEquals(8, queue.depth());

    RequestQueue slower = new RequestQueue(128);
    slower.started(0);
    // a block a second
    for (int i = 1; i <= 4; i++) slower.received(Block.SIZE, i * 1000 * MS);
    assertEquals(RequestQueue.MIN, slower.depth());
  }

  @Test
  void timeWithNothingInFlightDoesNotCountAgainstThePeer() {
    RequestQueue queue = new RequestQueue(128);
    queue.started(0);
    for (int i = 1; i <= 16; i++) queue.received(Block.SIZE, i * 125 * MS);
    queue.idle();
    // asked again a minute later, it delivers at the same rate
    long t = 60_000 * MS;
    queue.started(t);
    for (int i = 1; i <= 4; i++) queue.received(Block.SIZE, t + i * 125 * MS);
    assertEquals(8, queue.depth());
  }
}
