package herd.tracker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The announced peers of one torrent, keyed by peer id, and the policy for handing them out, which wires the swarm
 * as a bounded random graph. Each incomplete peer is handed up to {@code dials} peers to dial, drawn at random among
 * those that joined before it or have the whole content (complete peers never dial), and each peer is handed to at most
 * {@code accepts} dialers. So no peer holds more than {@code connections - 1} connections to others (the last one is
 * for herd's seeder), each pair is dialed once, not from both ends (each dial costs a TLS handshake), and since a
 * newcomer dials peers drawn from the whole earlier swarm, the graph stays connected. A peer keeps the peers it was
 * handed for as long as they stay, and is handed more when some left. A peer expires when it hasn't announced for
 * three intervals, and joins anew, last, when it announces again. Times are monotonic nanoseconds
 * ({@link System#nanoTime()}). Safe for use from several threads.
 *
 * <p>The seeder is granted to at most {@code connections} incomplete peers at a time, each for one {@code term} (the
 * seeder hangs up on a connection after a term), after which the grant goes to another: the pieces the seeder
 * reveals are spread across the swarm rather than given to the first peers to ask.
 *
 * <p>An announce costs about {@code dials} random draws, not a pass over the swarm: candidates are drawn at random
 * from all peers and those that do not qualify are drawn again; only when few qualify (the first peers to join) are
 * all peers walked. Expiry walks only the peers that expired.
 */
final class Swarm {
  /** Draws per wanted peer before the handout falls back to walking every peer. */
  private static final int DRAWS_PER_PEER = 8;

  private final long ttlNanos;
  private final int dials;
  private final int accepts;
  private final int seederSlots;
  private final long termNanos;
  private final Random random;
  /** Keys wrap private copies of peer ids (a ByteBuffer compares by content); least recently announced first. */
  private final Map<ByteBuffer, Entry> peers = new LinkedHashMap<>();
  /** The same entries, in no order, for drawing at random; each knows its slot. */
  private final List<Entry> all = new ArrayList<>();
  /** The peers granted the seeder now. */
  private final Set<Entry> granted = new LinkedHashSet<>();
  private long joins;
  /** How many of the peers have the whole content. */
  private int complete;

  /**
   * @param connections the most connections a peer keeps, one of them to the seeder
   * @param term how long a peer is granted the seeder
   */
  Swarm(Duration interval, int connections, Duration term, Random random) {
    if (connections < 2) throw new IllegalArgumentException("a peer needs at least 2 connections");
    this.ttlNanos = interval.multipliedBy(3).toNanos();
    this.dials = (connections - 1) / 2;
    this.accepts = connections - 1 - dials;
    this.seederSlots = connections;
    this.termNanos = term.toNanos();
    this.random = random;
  }

  /**
   * Records the announce (a {@code stopped} one removes the peer and gets no peers back) and answers it. With
   * {@code seeded}, the peer may be granted the seeder.
   */
  synchronized Handout announce(AnnounceRequest request, boolean seeded, long nowNanos) {
    expire(nowNanos);
    ByteBuffer key = ByteBuffer.wrap(request.peerId());
    Entry mine = peers.remove(key);
    if (request.event() == AnnounceRequest.Event.STOPPED) {
      if (mine != null) drop(mine);
      return new Handout(List.of(), false, complete, peers.size() - complete);
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
    List<Peer> handed = handOut(mine, mine.complete ? 0 : Math.min(dials, request.numwant()));
    return new Handout(handed, seeded && grant(mine, nowNanos), complete, peers.size() - complete);
  }

  /** Whether every peer left or expired. */
  synchronized boolean idle(long nowNanos) {
    expire(nowNanos);
    return peers.isEmpty();
  }

  /**
   * Tops up the peers {@code mine} dials to {@code wanted} (none for a complete peer: it never dials), and returns up
   * to {@code wanted} of them in random order.
   */
  private List<Peer> handOut(Entry mine, int wanted) {
    int missing = wanted - mine.dials.size();
    if (missing > 0) {
      int added = 0;
      for (int draws = 0; added < missing && draws < DRAWS_PER_PEER * missing; draws++) {
        Entry e = all.get(random.nextInt(all.size()));
        if (e.isCandidateFor(mine)) {
          link(mine, e);
          added++;
        }
      }
      if (added < missing) {
        List<Entry> others = new ArrayList<>();
        for (Entry e : all) if (e.isCandidateFor(mine)) others.add(e);
        Collections.shuffle(others, random);
        for (Entry e : others.subList(0, Math.min(missing - added, others.size()))) link(mine, e);
      }
    }
    List<Peer> out = new ArrayList<>(Math.min(wanted, mine.dials.size()));
    for (Entry e : mine.dials) {
      if (out.size() == wanted) break;
      out.add(e.peer);
    }
    Collections.shuffle(out, random);
    return List.copyOf(out);
  }

  private void link(Entry dialer, Entry dialed) {
    dialer.dials.add(dialed);
    dialed.dialers.add(dialer);
  }

  /** Whether {@code mine} holds the seeder now: keeps a grant for its term, gets one while a slot is free. */
  private boolean grant(Entry mine, long nowNanos) {
    for (Iterator<Entry> it = granted.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.complete || nowNanos - e.grantedAt > termNanos) {
        it.remove();
        e.grantEnded = nowNanos;
      }
    }
    if (granted.contains(mine)) return true;
    boolean rested = !mine.hadGrant || nowNanos - mine.grantEnded > termNanos;
    if (mine.complete || !rested || granted.size() >= seederSlots) return false;
    mine.grantedAt = nowNanos;
    mine.hadGrant = true;
    granted.add(mine);
    return true;
  }

  private void expire(long nowNanos) {
    for (Iterator<Entry> it = peers.values().iterator(); it.hasNext(); ) {
      Entry oldest = it.next();
      if (nowNanos - oldest.lastSeen <= ttlNanos) return;
      it.remove();
      drop(oldest);
    }
  }

  /** Takes a peer already out of {@link #peers} out of {@link #all}, everyone's links, the grants and the count. */
  private void drop(Entry e) {
    Entry last = all.remove(all.size() - 1);
    if (last != e) {
      all.set(e.slot, last);
      last.slot = e.slot;
    }
    for (Entry d : e.dials) d.dialers.remove(e);
    for (Entry d : e.dialers) d.dials.remove(e);
    granted.remove(e);
    if (e.complete) complete--;
  }

  /** A peer's state; compares by identity. */
  private final class Entry {
    final long joined;
    int slot;
    Peer peer;
    boolean complete;
    long lastSeen;
    /** The peers it was handed to dial, and those it was handed to. */
    final Set<Entry> dials = new LinkedHashSet<>();
    final Set<Entry> dialers = new HashSet<>();
    boolean hadGrant;
    long grantedAt;
    long grantEnded;

    Entry(long joined, int slot) {
      this.joined = joined;
      this.slot = slot;
    }

    /** Whether this peer may be handed to {@code requester} to dial. */
    boolean isCandidateFor(Entry requester) {
      return this != requester
          && (joined < requester.joined || complete)
          && dialers.size() < accepts
          && !requester.dials.contains(this)
          && !dials.contains(requester);
    }
  }

  /**
   * The answer to one announce: peers to contact, whether the seeder is granted, and the swarm's seeder and leecher
   * counts.
   */
  record Handout(List<Peer> peers, boolean seeder, int complete, int incomplete) {
    /** Puts {@code seed}, a peer with the whole content, first and counts it as complete. */
    Handout withSeed(Peer seed) {
      List<Peer> all = new ArrayList<>(peers.size() + 1);
      all.add(seed);
      all.addAll(peers);
      return new Handout(List.copyOf(all), seeder, complete + 1, incomplete);
    }
  }
}
