package herd.swarm;

import java.time.Duration;

/**
 * Tuning of one torrent's sharing.
 *
 * @param pipeline requests kept in flight per connection (16 KiB each)
 * @param maxPeers connections kept at once
 * @param seeding how a torrent with the whole content shows its pieces
 * @param term how long a connection is kept once the peer is admitted, while this torrent serves half its
 *     {@code maxPeers} or more and holds no piece back ({@link Duration#ZERO}: for good); a seeder's tracker grants
 *     it to other peers after as long
 */
public record SwarmOptions(int pipeline, int maxPeers, Seeding seeding, Duration term) {
  /**
   * The connections a peer keeps, one of them to the seeder: enough for pieces to spread in a few hops, few enough
   * that a fleet's connections grow with its size, not its square. Trackers hand out peers to match.
   */
  public static final int CONNECTIONS = 30;
  /** How many peers a seeder serves at once, a piece each per turn: see {@link UploadSlots}. */
  public static final int SEEDER_SLOTS = 4;
  /**
   * How long a seeder serves one peer before its tracker grants it to another: long enough for each of the peers it
   * holds to have turns ({@link #SEEDER_SLOTS} at a time among up to twice {@link #CONNECTIONS}) and fetch what it
   * was shown. At 10 s, 500 peers finished by a median of 2.8 T_min: at a turn a second in each slot, a peer among 60
   * waits 15 s for one. It runs out only once the seeder holds no piece back ({@link Torrent#rotates}), so it need
   * not be as long as the transfer.
   */
  public static final Duration SEEDER_TERM = Duration.ofSeconds(60);

  /** How a seeder shows its pieces: see {@link InitialSeeding}. */
  public enum Seeding {
    /** Everything, to everyone. */
    EVERYTHING,
    /**
     * Each piece to one peer before any piece to a second, then everything: the seeder of a push, which also shows a
     * piece again to others while the peer it was shown to has not got it (a slow peer holds nobody up).
     */
    INITIAL,
    /**
     * Each piece to one peer before any piece to a second, and after that only pieces no connected peer has (their
     * holder left), for as long as it seeds: the peers fetch everything else from each other. For {@code herd serve},
     * whose uplink serves every fleet that pulls from it.
     */
    SPARING
  }

  public static SwarmOptions defaults() {
    return new SwarmOptions(128, CONNECTIONS, Seeding.EVERYTHING, Duration.ZERO);
  }

  /**
   * A seeder that a tracker grants to {@link #CONNECTIONS} peers at a time, each for a {@link #SEEDER_TERM}: room for
   * twice as many, since grants and hang-ups are timed apart (and hosts behind bastions dial it without a grant). It
   * hangs up on a peer after a term only while it serves {@link #CONNECTIONS} or more, when others may be waiting, and
   * has shown every piece.
   */
  public static SwarmOptions seeder(Seeding seeding) {
    return new SwarmOptions(128, 2 * CONNECTIONS, seeding, SEEDER_TERM);
  }
}
