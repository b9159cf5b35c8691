package herd.swarm;

/**
 * Tuning of one swarm session.
 *
 * @param pipeline requests kept in flight per connection (16 KiB each)
 * @param maxPeers connections kept at once
 * @param initialSeeding whether a complete swarm shows each piece to one peer before showing any twice
 *     ({@link InitialSeeding}); for the one seeder of a push
 */
public record SwarmOptions(int pipeline, int maxPeers, boolean initialSeeding) {
  public static SwarmOptions defaults() {
    return new SwarmOptions(128, 200, false);
  }

  public SwarmOptions withInitialSeeding() {
    return new SwarmOptions(pipeline, maxPeers, true);
  }
}
