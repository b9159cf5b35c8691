package herd.tracker;

import static herd.tracker.Announces.id;
import static herd.tracker.Announces.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.tracker.AnnounceRequest.Event;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SwarmTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final long TTL = INTERVAL.multipliedBy(3).toNanos();

  private final Swarm swarm = new Swarm(INTERVAL, new Random(1));

  private static Set<Integer> ports(Swarm.Handout h) {
    return h.peers().stream().map(Peer::port).collect(Collectors.toSet());
  }

  /** Announces peer {@code n} listening on port {@code 6000 + n}. */
  private Swarm.Handout announce(int n, long left, Event event, long now) {
    return swarm.announce(request(n, "10.0.0." + n, 6000 + n, left, event, 200), now);
  }

  @Test
  void handsOutThePeersThatJoinedEarlierButNeverTheRequester() {
    announce(1, 5, Event.STARTED, 0);
    announce(2, 5, Event.STARTED, 0);
    assertEquals(Set.of(6001, 6002), ports(announce(3, 5, Event.STARTED, 0)));
    assertEquals(Set.of(), ports(announce(1, 5, Event.NONE, 0)));
    assertEquals(Set.of(6001), ports(announce(2, 5, Event.NONE, 0)));
  }

  @Test
  void eachPairOfIncompletePeersIsHandedOutToOneSideOnly() {
    Swarm s = new Swarm(INTERVAL, new Random(3));
    Random order = new Random(5);
    int n = 30;
    Set<List<Integer>> handedOut = new HashSet<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 3 * n; i++) {
        int p = 1 + order.nextInt(n);
        for (Peer got : s.announce(request(p, "10.0.0." + p, 6000 + p, 5, Event.NONE, 200), round).peers()) {
          handedOut.add(List.of(p, got.port() - 6000));
        }
      }
    }
    for (int a = 1; a <= n; a++) {
      for (int b = a + 1; b <= n; b++) {
        boolean ab = handedOut.contains(List.of(a, b));
        boolean ba = handedOut.contains(List.of(b, a));
        assertTrue(ab != ba, "peers " + a + " and " + b + ": " + (ab ? "both dial" : "neither dials"));
      }
    }
  }

  @Test
  void completePeersAreHandedOutToEveryone() {
    announce(1, 5, Event.STARTED, 0);
    announce(2, 0, Event.STARTED, 0);
    announce(3, 5, Event.STARTED, 0);
    assertEquals(Set.of(6002), ports(announce(1, 5, Event.NONE, 0)));
    assertEquals(Set.of(6001, 6002), ports(announce(3, 5, Event.NONE, 0)));
  }

  @Test
  void aPeerThatExpiredJoinsAgainLast() {
    announce(1, 5, Event.STARTED, 0);
    announce(2, 5, Event.STARTED, TTL);
    assertEquals(Set.of(6002), ports(announce(1, 5, Event.NONE, TTL + 1)));
  }

  @Test
  void handsOutAddressPortAndPeerId() {
    announce(1, 5, Event.STARTED, 0);
    Peer p = announce(2, 5, Event.STARTED, 0).peers().get(0);
    assertArrayEquals(id(1), p.id());
    assertEquals(Announces.ip("10.0.0.1"), p.address());
    assertEquals(6001, p.port());
  }

  @Test
  void firstPeerGetsNobody() {
    assertTrue(announce(1, 5, Event.STARTED, 0).peers().isEmpty());
  }

  @Test
  void stoppedRemovesThePeerAndGetsNoPeers() {
    announce(1, 5, Event.STARTED, 0);
    announce(2, 5, Event.STARTED, 0);
    Swarm.Handout stopped = announce(1, 5, Event.STOPPED, 0);
    assertTrue(stopped.peers().isEmpty());
    assertEquals(1, stopped.incomplete());
    assertTrue(announce(2, 5, Event.NONE, 0).peers().isEmpty());
  }

  @Test
  void peersSilentForThreeIntervalsExpire() {
    long start = 1_000;
    announce(1, 5, Event.STARTED, start);
    assertEquals(Set.of(6001), ports(announce(2, 5, Event.STARTED, start + TTL)));
    Swarm.Handout later = announce(2, 5, Event.NONE, start + TTL + 1);
    assertTrue(later.peers().isEmpty());
    assertEquals(1, later.incomplete());
  }

  @Test
  void announcingKeepsAPeerAlive() {
    announce(1, 5, Event.STARTED, 0);
    announce(1, 5, Event.NONE, TTL);
    assertEquals(Set.of(6001), ports(announce(2, 5, Event.STARTED, 2 * TTL)));
  }

  @Test
  void expiryWorksAcrossNanoTimeWraparound() {
    announce(1, 5, Event.STARTED, Long.MAX_VALUE - 5);
    assertEquals(Set.of(6001), ports(announce(2, 5, Event.STARTED, Long.MIN_VALUE + 5)));
  }

  @Test
  void numwantLimitsTheHandout() {
    for (int n = 1; n <= 10; n++) announce(n, 5, Event.STARTED, 0);
    assertEquals(3, swarm.announce(request(11, "10.0.0.11", 7000, 5, Event.STARTED, 3), 0).peers().size());
    assertEquals(0, swarm.announce(request(11, "10.0.0.11", 7000, 5, Event.NONE, 0), 0).peers().size());
  }

  @Test
  void countsCompleteAndIncompleteIncludingTheRequester() {
    announce(1, 0, Event.STARTED, 0);
    announce(2, 5, Event.STARTED, 0);
    Swarm.Handout h = announce(3, 5, Event.STARTED, 0);
    assertEquals(1, h.complete());
    assertEquals(2, h.incomplete());
    Swarm.Handout done = announce(3, 0, Event.COMPLETED, 0);
    assertEquals(2, done.complete());
    assertEquals(1, done.incomplete());
  }

  @Test
  void ordersPeersRandomlyAndReproduciblyForASeed() {
    Swarm a = new Swarm(INTERVAL, new Random(7));
    Swarm b = new Swarm(INTERVAL, new Random(7));
    for (int n = 1; n <= 20; n++) {
      a.announce(request(n, "10.0.0." + n, 6000 + n, 5, Event.STARTED, 200), 0);
      b.announce(request(n, "10.0.0." + n, 6000 + n, 5, Event.STARTED, 200), 0);
    }
    Set<List<Integer>> orders = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      List<Integer> fromA = portsInOrder(a.announce(request(99, "10.0.0.99", 7000, 5, Event.NONE, 200), 0));
      List<Integer> fromB = portsInOrder(b.announce(request(99, "10.0.0.99", 7000, 5, Event.NONE, 200), 0));
      assertEquals(fromA, fromB);
      orders.add(fromA);
    }
    assertTrue(orders.size() > 1, "the same order every time");
  }

  private static List<Integer> portsInOrder(Swarm.Handout h) {
    return h.peers().stream().map(Peer::port).toList();
  }

  @Test
  void seedComesFirstAndCountsAsComplete() {
    announce(1, 5, Event.STARTED, 0);
    Peer seed = new Peer(new byte[0], Announces.ip("10.0.0.254"), 9000);
    Swarm.Handout h = announce(2, 5, Event.STARTED, 0).withSeed(seed);
    assertEquals(List.of(9000, 6001), portsInOrder(h));
    assertEquals(1, h.complete());
    assertEquals(2, h.incomplete());
  }
}
