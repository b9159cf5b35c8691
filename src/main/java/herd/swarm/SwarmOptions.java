package herd.swarm;

/**
 * Tuning of one torrent's sharing.
 *
 * @param pipeline requests kept in flight per connection (16 KiB each)
 * @param maxPeers connections kept at once
 * @param seeding how a torrent with the whole content shows its pieces
 */
public record SwarmOptions(int pipeline, int maxPeers, Seeding seeding) {
  /** How a seeder shows its pieces: see {@link InitialSeeding}. */
  public enum Seeding {
    /** Everything, to everyone. */
    EVERYTHING,
    /** Each piece to one peer before any piece to a second, then everything: the one seeder of a push. */
    INITIAL,
    /**
     * Each piece to one peer before any piece to a second, and after that only pieces no connected peer has (their
     * holder left), for as long as it seeds: the peers fetch everything else from each other. For {@code herd serve},
     * whose uplink serves every fleet that pulls from it.
     */
    SPARING
  }

  public static SwarmOptions defaults() {
    return new SwarmOptions(128, 200, Seeding.EVERYTHING);
  }

  public SwarmOptions with(Seeding seeding) {
    return new SwarmOptions(pipeline, maxPeers, seeding);
  }
}
