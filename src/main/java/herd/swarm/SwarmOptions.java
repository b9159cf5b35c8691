package herd.swarm;

/**
 * Tuning of one swarm session.
 *
 * @param pipeline requests kept in flight per connection (16 KiB each)
 * @param maxPeers connections kept at once
 */
public record SwarmOptions(int pipeline, int maxPeers) {
  public static SwarmOptions defaults() {
    return new SwarmOptions(128, 200);
  }
}
