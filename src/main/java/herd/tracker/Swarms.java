package herd.tracker;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tracker's torrents: those added to it, and, on a tracker open to any torrent, those that peers announced, up to
 * {@value #MAX_ANNOUNCED} of them, each dropped once its last peer leaves or expires. Safe for use from several
 * threads.
 */
final class Swarms {
  static final int MAX_ANNOUNCED = 10_000;

  private final TrackerOptions options;
  private final Random random;
  private final Map<ByteBuffer, Swarm> swarms = new ConcurrentHashMap<>();
  private final Set<ByteBuffer> added = ConcurrentHashMap.newKeySet();

  Swarms(TrackerOptions options, Random random) {
    this.options = options;
    this.random = random;
  }

  void add(byte[] infoHash) {
    ByteBuffer key = key(infoHash);
    added.add(key);
    swarms.computeIfAbsent(key, k -> newSwarm());
  }

  /** Forgets a torrent and its peers. */
  void remove(byte[] infoHash) {
    ByteBuffer key = key(infoHash);
    added.remove(key);
    swarms.remove(key);
  }

  boolean added(byte[] infoHash) {
    return added.contains(ByteBuffer.wrap(infoHash));
  }

  /** The swarm an announce for {@code infoHash} joins. */
  Swarm find(byte[] infoHash) throws AnnounceException {
    ByteBuffer key = ByteBuffer.wrap(infoHash);
    Swarm swarm = swarms.get(key);
    if (swarm != null) return swarm;
    if (!options.anyTorrent()) throw new AnnounceException("unknown torrent");
    if (swarms.size() - added.size() >= MAX_ANNOUNCED) throw new AnnounceException("tracking too many torrents");
    return swarms.computeIfAbsent(key(infoHash), k -> newSwarm());
  }

  /** Drops the torrents that were only announced and have no live peer left. */
  void sweep(long nowNanos) {
    swarms.entrySet().removeIf(e -> !added.contains(e.getKey()) && e.getValue().idle(nowNanos));
  }

  int size() {
    return swarms.size();
  }

  private Swarm newSwarm() {
    return new Swarm(options.interval(), options.connections(), options.seederTerm(), random);
  }

  private static ByteBuffer key(byte[] infoHash) {
    if (infoHash.length != 20) throw new IllegalArgumentException("info-hash must be 20 bytes");
    return ByteBuffer.wrap(infoHash.clone());
  }
}
