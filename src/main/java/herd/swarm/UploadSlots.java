package herd.swarm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A seeder's turns: it unchokes a few interested peers at a time and serves each a piece, for at least
 * {@link #MIN_TURN_NANOS}, then chokes it and unchokes the peer that waited longest. Served all at once, an uplink
 * slower than the peers' downlinks would finish its first pieces only once it had sent nearly all of them, while its
 * requesters' other uploaders sat idle; in turns, a piece leaves it, and can be traded on, every few piece-times, and
 * a choked peer asks someone else. Pure bookkeeping: no I/O, not thread-safe, peers are opaque keys.
 */
final class UploadSlots {
  /** What a call changed: a peer to choke, one to unchoke, either null. */
  record Turn(Object choke, Object unchoke) {
    static final Turn NONE = new Turn(null, null);
  }

  /**
   * The shortest turn: on a fast link a piece takes milliseconds, and a turn per piece would cost each peer its
   * requests in flight (dropped when choked) and a round trip to send new ones, over and over.
   */
  static final long MIN_TURN_NANOS = 200_000_000L;

  private final int slots;
  private final long quota;
  /** Unchoked peers and their turns. */
  private final Map<Object, Served> served = new HashMap<>();
  private final Deque<Object> waiting = new ArrayDeque<>();

  /** @param quota the bytes a peer is sent in one turn, at least */
  UploadSlots(int slots, long quota) {
    this.slots = slots;
    this.quota = quota;
  }

  boolean unchoked(Object peer) {
    return served.containsKey(peer);
  }

  /** The peer wants something we have: it is unchoked now if a slot is free, else it waits its turn. */
  Turn interested(Object peer, long now) {
    if (served.containsKey(peer) || waiting.contains(peer)) return Turn.NONE;
    if (served.size() < slots) {
      served.put(peer, new Served(now));
      return new Turn(null, peer);
    }
    waiting.add(peer);
    return Turn.NONE;
  }

  /** The peer wants nothing more, or left: its slot goes to the next in line. */
  Turn notInterested(Object peer, long now) {
    waiting.remove(peer);
    if (served.remove(peer) == null) return Turn.NONE;
    return new Turn(peer, next(now));
  }

  /** We sent the peer {@code bytes} at {@code now}: once its quota is sent and its turn lasted long enough, it ends. */
  Turn sent(Object peer, int bytes, long now) {
    Served turn = served.get(peer);
    if (turn == null) return Turn.NONE;
    turn.bytes += bytes;
    if (turn.bytes < quota || now - turn.since < MIN_TURN_NANOS) return Turn.NONE;
    if (waiting.isEmpty()) {
      served.put(peer, new Served(now)); // nobody waits: another turn
      return Turn.NONE;
    }
    served.remove(peer);
    waiting.add(peer);
    return new Turn(peer, next(now));
  }

  private Object next(long now) {
    Object next = waiting.poll();
    if (next != null) served.put(next, new Served(now));
    return next;
  }

  private static final class Served {
    final long since;
    long bytes;

    Served(long since) {
      this.since = since;
    }
  }
}
