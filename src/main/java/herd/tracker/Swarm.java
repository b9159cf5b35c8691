package herd.tracker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The announced peers of one torrent, keyed by peer id, and the policy for handing them out: in random order, up to
 * the requester's {@code numwant}, the live peers that joined before the requester, and those that have the whole
 * content. A peer that joins dials those already there, and they hear of it by its connection, so each pair of
 * peers is dialed once, not from both ends (each dial costs a TLS handshake). Complete peers never dial, so they are
 * handed to everyone. A peer expires when it hasn't announced for three intervals, and joins anew, last, when it
 * announces again. Times are monotonic nanoseconds ({@link System#nanoTime()}). Safe for use from several threads.
 *
 * <p>An announce costs about {@code numwant} random draws, not a pass over the swarm: candidates are drawn at random
 * from all peers and those that do not qualify are drawn again; only when few qualify (the first peers to join, in a
 * swarm with few complete ones) are all peers walked. Expiry walks only the peers that expired.
 */
final class Swarm {
  /** Draws per wanted peer before the handout falls back to walking every peer. */
  private static final int DRAWS_PER_PEER = 8;

  private final long ttlNanos;
  private final Random random;
  /** Keys wrap private copies of peer ids (a ByteBuffer compares by content); least recently announced first. */
  private final Map<ByteBuffer, Entry> peers = new LinkedHashMap<>();
  /** The same entries, in no order, for drawing at random; each knows its slot. */
  private final List<Entry> all = new ArrayList<>();
  private long joins;
  /** How many of the peers have the whole content. */
  private int complete;

  Swarm(Duration interval, Random random) {
    this.ttlNanos = interval.multipliedBy(3).toNanos();
    this.random = random;
  }

  /** Records the announce (a {@code stopped} one removes the peer and gets no peers back) and answers it. */
  synchronized Handout announce(AnnounceRequest request, long nowNanos) {
    expire(nowNanos);
    ByteBuffer key = ByteBuffer.wrap(request.peerId());
    Entry mine = peers.remove(key);
    if (request.event() == AnnounceRequest.Event.STOPPED) {
      if (mine != null) drop(mine);
      return new Handout(List.of(), complete, peers.size() - complete);
    }
    if (mine == null) {
      mine = new Entry(joins++, all.size());
      all.add(mine);
    } else if (mine.complete) {
      complete--;
    }
    mine.peer = new Peer(request.peerId(), request.address(), request.port());
    mine.complete = request.left() == 0;
    mine.lastSeen = nowNanos;
    if (mine.complete) complete++;
    peers.put(key, mine);
    return new Handout(handOut(mine, request.numwant()), complete, peers.size() - complete);
  }

  /** Whether every peer left or expired. */
  synchronized boolean idle(long nowNanos) {
    expire(nowNanos);
    return peers.isEmpty();
  }

  private List<Peer> handOut(Entry mine, int numwant) {
    List<Peer> chosen = new ArrayList<>();
    Set<Entry> drawn = new HashSet<>();
    for (int draws = 0; chosen.size() < numwant && draws < DRAWS_PER_PEER * numwant; draws++) {
      Entry e = all.get(random.nextInt(all.size()));
      if (e.isCandidateFor(mine) && drawn.add(e)) chosen.add(e.peer);
    }
    if (chosen.size() == numwant) return List.copyOf(chosen);
    List<Peer> others = new ArrayList<>();
    for (Entry e : all) {
      if (e.isCandidateFor(mine)) others.add(e.peer);
    }
    int wanted = Math.min(numwant, others.size());
    for (int i = 0; i < wanted; i++) Collections.swap(others, i, i + random.nextInt(others.size() - i));
    return List.copyOf(others.subList(0, wanted));
  }

  private void expire(long nowNanos) {
    for (Iterator<Entry> it = peers.values().iterator(); it.hasNext(); ) {
      Entry oldest = it.next();
      if (nowNanos - oldest.lastSeen <= ttlNanos) return;
      it.remove();
      drop(oldest);
    }
  }

  /** Takes a peer already out of {@link #peers} out of {@link #all} and the count. */
  private void drop(Entry e) {
    Entry last = all.remove(all.size() - 1);
    if (last != e) {
      all.set(e.slot, last);
      last.slot = e.slot;
    }
    if (e.complete) complete--;
  }

  /** A peer's state; compares by identity. */
  private static final class Entry {
    final long joined;
    int slot;
    Peer peer;
    boolean complete;
    long lastSeen;

    Entry(long joined, int slot) {
      this.joined = joined;
      this.slot = slot;
    }

    boolean isCandidateFor(Entry requester) {
      return this != requester && (joined < requester.joined || complete);
    }
  }

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
