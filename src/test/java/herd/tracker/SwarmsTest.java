package herd.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SwarmsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final long TTL = INTERVAL.multipliedBy(3).toNanos();

  private static TrackerOptions options(boolean anyTorrent) {
    return new TrackerOptions(null, 0, INTERVAL, anyTorrent, Announces.CONNECTIONS, Announces.TERM);
  }

  @Test
  void aClosedTrackerKnowsOnlyTheTorrentsAddedToIt() throws Exception {
    Swarms swarms = new Swarms(options(false), new Random(1));
    swarms.add(hash(1));
    assertSame(swarms.find(hash(1)), swarms.find(hash(1)));
    assertEquals("unknown torrent", assertThrows(AnnounceException.class, () -> swarms.find(hash(2))).getMessage());
    swarms.remove(hash(1));
    assertThrows(AnnounceException.class, () -> swarms.find(hash(1)));
  }

  @Test
  void announcedTorrentsAreDroppedOnceTheirPeersExpireAndAddedOnesAreKept() throws Exception {
    Swarms swarms = new Swarms(options(true), new Random(1));
    swarms.add(hash(1));
    swarms.find(hash(2)).announce(request(hash(2)), false, 0);
    swarms.find(hash(3)).announce(request(hash(3)), false, TTL);
    swarms.sweep(TTL + 1);
    assertEquals(2, swarms.size(), "the swarm whose last peer expired is still tracked");
    swarms.sweep(3 * TTL);
    assertEquals(1, swarms.size());
    swarms.find(hash(1));
  }

  @Test
  void announcedTorrentsAreCapped() throws Exception {
    Swarms swarms = new Swarms(options(true), new Random(1));
    for (int i = 0; i < Swarms.MAX_ANNOUNCED; i++) swarms.find(hash(i));
    swarms.add(hash(-1));
    assertEquals("tracking too many torrents",
        assertThrows(AnnounceException.class, () -> swarms.find(hash(Swarms.MAX_ANNOUNCED))).getMessage());
  }

  private static byte[] hash(int n) {
    byte[] h = new byte[20];
    for (int i = 0; i < 4; i++) h[i] = (byte) (n >>> (8 * i));
    h[19] = 1;
    return h;
  }

  private static AnnounceRequest request(byte[] hash) throws Exception {
    return AnnounceRequest.parse("/announce?info_hash=" + Announces.escape(hash) + "&peer_id=" + Announces.escape(new byte[20])
        + "&port=6881&uploaded=0&downloaded=0&left=1", InetAddress.getLoopbackAddress());
  }
}
