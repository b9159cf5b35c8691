package herd.tracker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The announced peers of one torrent, keyed by peer id, and the policy for handing them out: in random order, up to
 * the requester's {@code numwant}, the live peers that joined before the requester, and those that have the whole
 * content. A peer that joins dials those already there, and they hear of it by its connection, so each pair of
 * peers is dialed once, not from both ends (each dial costs a TLS handshake). Complete peers never dial, so they are
 * handed to everyone. A peer expires when it hasn't announced for three intervals, and joins anew, last, when it
 * announces again. Times are monotonic nanoseconds ({@link System#nanoTime()}). Safe for use from several threads.
 */
final class Swarm {
  private final long ttlNanos;
  private final Random random;
  /** Keys wrap private copies of peer ids: a ByteBuffer compares by content. */
  private final Map<ByteBuffer, Entry> peers = new LinkedHashMap<>();

  Swarm(Duration interval, Random random) {
    this.ttlNanos = interval.multipliedBy(3).toNanos();
    this.random = random;
  }

  /** Records the announce (a {@code stopped} one removes the peer and gets no peers back) and answers it. */
  synchronized Handout announce(AnnounceRequest request, long nowNanos) {
    peers.values().removeIf(e -> nowNanos - e.lastSeen() > ttlNanos);
    ByteBuffer key = ByteBuffer.wrap(request.peerId());
    if (request.event() == AnnounceRequest.Event.STOPPED) {
      peers.remove(key);
    } else {
      Peer peer = new Peer(request.peerId(), request.address(), request.port());
      peers.put(key, new Entry(peer, request.left(), nowNanos));
    }
    int complete = 0;
    boolean earlier = true;
    List<Peer> others = new ArrayList<>();
    for (Map.Entry<ByteBuffer, Entry> e : peers.entrySet()) {
      boolean isComplete = e.getValue().left() == 0;
      if (isComplete) complete++;
      if (e.getKey().equals(key)) {
        earlier = false;
      } else if (earlier || isComplete) {
        others.add(e.getValue().peer());
      }
    }
    Collections.shuffle(others, random);
    int wanted = request.event() == AnnounceRequest.Event.STOPPED ? 0 : Math.min(request.numwant(), others.size());
    return new Handout(List.copyOf(others.subList(0, wanted)), complete, peers.size() - complete);
  }

  private record Entry(Peer peer, long left, long lastSeen) {}

  /** The answer to one announce: peers to contact and the swarm's seeder and leecher counts. */
  record Handout(List<Peer> peers, int complete, int incomplete) {
    /** Puts {@code seed}, a peer with the whole content, first and counts it as complete. */
    Handout withSeed(Peer seed) {
      List<Peer> all = new ArrayList<>(peers.size() + 1);
      all.add(seed);
      all.addAll(peers);
      return new Handout(List.copyOf(all), complete + 1, incomplete);
    }
  }
}
