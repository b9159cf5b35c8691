package herd.tracker;

import static herd.tracker.Announces.id;
import static herd.tracker.Announces.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.tracker.AnnounceRequest.Event;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SwarmTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final long TTL = INTERVAL.multipliedBy(3).toNanos();
  private static final Duration TERM = Duration.ofSeconds(10);

  private final Swarm swarm = swarm(Announces.CONNECTIONS, 1);

  private static Swarm swarm(int connections, long seed) {
    return new Swarm(INTERVAL, connections, TERM, new Random(seed));
  }

  private static Set<Integer> ports(Swarm.Handout h) {
    return h.peers().stream().map(Peer::port).collect(Collectors.toSet());
  }

  /** Announces peer {@code n} listening on port {@code 6000 + n}. */
  private Swarm.Handout announce(int n, long left, Event event, long now) {
    return swarm.announce(request(n, "10.0.0." + n, 6000 + n, left, event, 200), false, now);
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
  void eachPairOfPeersIsHandedOutToOneSideAtMost() {
    Swarm s = swarm(Announces.CONNECTIONS, 3);
    Random order = new Random(5);
    int n = 30;
    Set<List<Integer>> handedOut = new HashSet<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 3 * n; i++) {
        int p = 1 + order.nextInt(n);
        for (Peer got : s.announce(request(p, "10.0.0." + p, 6000 + p, 5, Event.NONE, 200), false, round).peers()) {
          handedOut.add(List.of(p, got.port() - 6000));
        }
      }
    }
    for (List<Integer> pair : handedOut) {
      assertFalse(handedOut.contains(List.of(pair.get(1), pair.get(0))), "both of " + pair + " dial each other");
    }
  }

  /**
   * A fleet joining at once, then announcing again: no peer is linked to more than {@code connections - 1} others,
   * every peer that joined after the first few dials its share, and the graph is one connected piece.
   */
  @ParameterizedTest
  @CsvSource({"10, 1000", "30, 1000", "30, 10000"})
  void wiresABoundedConnectedGraph(int connections, int n) {
    Swarm s = swarm(connections, 11);
    Map<Integer, Set<Integer>> links = new HashMap<>();
    for (int round = 0; round < 2; round++) {
      for (int p = 1; p <= n; p++) {
        AnnounceRequest r = new AnnounceRequest(id(0xAA), ByteBuffer.allocate(20).putInt(p).array(),
            Announces.ip(address(p)), 6000, 0, 0, 5, Event.NONE, true, 200, null, null);
        for (Peer got : s.announce(r, false, round).peers()) {
          int q = peerNumber(got);
          links.computeIfAbsent(p, k -> new HashSet<>()).add(q);
          links.computeIfAbsent(q, k -> new HashSet<>()).add(p);
        }
      }
    }
    int dials = (connections - 1) / 2;
    for (int p = 1; p <= n; p++) {
      int degree = links.getOrDefault(p, Set.of()).size();
      assertTrue(degree <= connections - 1, "peer " + p + " is linked to " + degree);
      if (p > connections) assertTrue(degree >= dials, "peer " + p + " is linked to only " + degree);
    }
    Set<Integer> reached = new HashSet<>(Set.of(1));
    ArrayDeque<Integer> next = new ArrayDeque<>(reached);
    while (!next.isEmpty()) {
      for (int q : links.getOrDefault(next.poll(), Set.of())) if (reached.add(q)) next.add(q);
    }
    assertEquals(n, reached.size(), "peers reachable from the first");
  }

  /** Peer {@code p}'s address: one per peer, up to 65,535 peers. */
  private static String address(int p) {
    return "10.1." + (p >> 8) + "." + (p & 0xff);
  }

  private static int peerNumber(Peer peer) {
    byte[] a = peer.address().getAddress();
    return (a[2] & 0xff) << 8 | (a[3] & 0xff);
  }

  @Test
  void aPeerWhoseDialedPeersLeftIsHandedOthers() {
    Swarm s = swarm(5, 1); // 2 dials, 2 dialers
    for (int p = 1; p <= 3; p++) s.announce(request(p, "10.0.0." + p, 6000 + p, 5, Event.NONE, 200), false, 0);
    Set<Integer> first = ports(s.announce(request(3, "10.0.0.3", 6003, 5, Event.NONE, 200), false, 0));
    assertEquals(Set.of(6001, 6002), first);
    s.announce(request(1, "10.0.0.1", 6001, 5, Event.STOPPED, 200), false, 0);
    s.announce(request(4, "10.0.0.4", 6004, 0, Event.NONE, 200), false, 0);
    assertEquals(Set.of(6002, 6004), ports(s.announce(request(3, "10.0.0.3", 6003, 5, Event.NONE, 200), false, 0)));
  }

  @Test
  void theSeederIsGrantedToABoundedSetOfIncompletePeersForATermEach() {
    Swarm s = swarm(2, 1); // two grants at a time
    long term = TERM.toNanos();
    assertTrue(grant(s, 1, 5, 0));
    assertTrue(grant(s, 2, 5, 0));
    assertFalse(grant(s, 3, 5, 0), "a third at once");
    assertTrue(grant(s, 1, 5, term), "kept for its term");
    assertTrue(grant(s, 3, 5, term + 1), "the next after a term");
    assertFalse(grant(s, 1, 5, term + 2), "not again at once");
    assertTrue(grant(s, 4, 5, term + 3));
    assertFalse(grant(s, 2, 0, term + 4), "complete peers need no seeder");
    assertTrue(grant(s, 1, 5, 3 * term), "again after resting a term");
    assertFalse(s.announce(request(5, "10.0.0.5", 6005, 5, Event.NONE, 200), false, 3 * term).seeder(),
        "no seeder to grant");
  }

  private static boolean grant(Swarm s, int p, long left, long now) {
    return s.announce(request(p, "10.0.0." + p, 6000 + p, left, Event.NONE, 200), true, now).seeder();
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
    assertEquals(3, swarm.announce(request(11, "10.0.0.11", 7000, 5, Event.STARTED, 3), false, 0).peers().size());
    assertEquals(0, swarm.announce(request(11, "10.0.0.11", 7000, 5, Event.NONE, 0), false, 0).peers().size());
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
    Swarm a = swarm(Announces.CONNECTIONS, 7);
    Swarm b = swarm(Announces.CONNECTIONS, 7);
    for (int n = 1; n <= 20; n++) {
      a.announce(request(n, "10.0.0." + n, 6000 + n, 5, Event.STARTED, 200), false, 0);
      b.announce(request(n, "10.0.0." + n, 6000 + n, 5, Event.STARTED, 200), false, 0);
    }
    Set<List<Integer>> orders = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      List<Integer> fromA = portsInOrder(a.announce(request(99, "10.0.0.99", 7000, 5, Event.NONE, 200), false, 0));
      List<Integer> fromB = portsInOrder(b.announce(request(99, "10.0.0.99", 7000, 5, Event.NONE, 200), false, 0));
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
