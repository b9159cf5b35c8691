package herd.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The tracker under 10,000 simulated peers announcing every 5 s, driven from a second process. */
class TrackerLoadTest {
  @Test
  void answersTenThousandPeersAnnouncingEveryFewSeconds() throws Exception {
    EventLoopGroup group = new NioEventLoopGroup(2);
    byte[] hash = new byte[20];
    hash[0] = 7;
    Tracker tracker = Tracker.start(group, new InetSocketAddress("127.0.0.1", 0), hash, null, 6881, Duration.ofSeconds(5));
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process load = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AnnounceLoad.class.getName(),
          String.valueOf(tracker.port()), HexFormat.of().formatHex(hash), "10000", "5000", "12")
          .redirectErrorStream(true).start();
      String out = new String(load.getInputStream().readAllBytes()).trim();
      assertTrue(load.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, load.exitValue(), out);
      String[] f = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
      long requests = Long.parseLong(f[0]);
      long errors = Long.parseLong(f[1]);
      System.out.printf("tracker load: %d announces in 12 s from 10,000 peers, %d errors, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          requests, errors, Long.parseLong(f[2]) / 1000.0, Long.parseLong(f[3]) / 1000.0, Long.parseLong(f[4]) / 1000.0);
      assertEquals(0, errors);
      assertTrue(requests >= 20_000, "only " + requests + " announces answered");
      assertTrue(Long.parseLong(f[3]) < 250_000, "p99 of " + f[3] + " µs");
    } finally {
      tracker.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
