package herd.tracker;

import static herd.tracker.Announces.escape;
import static herd.tracker.Announces.id;
import static herd.tracker.Announces.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import herd.bencode.Bencode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A host behind a bastion announces through a reverse forward: from a loopback address, naming its own address in
 * {@code ip}. Only such announces may place a peer elsewhere than where they came from.
 */
class ForwardedAnnounceTest {
  private static final byte[] HASH = id(0xAA);
  private static final int SEEDER_PORT = 7000;
  private static final InetAddress LOOPBACK = ip("127.0.0.1");
  private static final InetAddress CONTROLLER = ip("192.0.2.1");

  private final AnnounceHandler handler = handler();

  private static AnnounceHandler handler() {
    TrackerOptions options =
        new TrackerOptions(null, SEEDER_PORT, Duration.ofSeconds(30), false, Announces.CONNECTIONS, Announces.TERM);
    Swarms swarms = new Swarms(options, new Random(1));
    swarms.add(HASH);
    return new AnnounceHandler(options, swarms, Pages.NONE);
  }

  /** The compact peer list of the reply to peer {@code peer}'s announce, arriving from {@code from} at {@code to}. */
  private byte[] announce(InetAddress from, InetAddress to, int peer, int port, String extra) throws Exception {
    EmbeddedChannel ch = new Connection(new InetSocketAddress(from, 50000), new InetSocketAddress(to, 6969));
    ch.pipeline().addLast(handler);
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/announce?info_hash="
        + escape(HASH) + "&peer_id=" + escape(id(peer)) + "&port=" + port + "&uploaded=0&downloaded=0&left=10" + extra));
    FullHttpResponse res = ch.readOutbound();
    try {
      ByteBuf body = res.content();
      return (byte[]) Bencode.decodeDict(ByteBufUtil.getBytes(body)).get("peers");
    } finally {
      res.release();
      ch.finishAndReleaseAll();
    }
  }

  private static byte[] compact(String address, int port) {
    byte[] a = ip(address).getAddress();
    return new byte[] {a[0], a[1], a[2], a[3], (byte) (port >> 8), (byte) port};
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void aForwardedAnnounceIsHandedOutAtItsIpAndGetsNoSeeder() throws Exception {
    assertArrayEquals(new byte[0], announce(LOOPBACK, LOOPBACK, 1, 6001, "&ip=10.77.0.13"),
        "the forwarded host reaches the seeder through its own forward, not at our loopback");
    byte[] reply = announce(ip("10.77.0.14"), CONTROLLER, 2, 6002, "");
    assertArrayEquals(concat(compact("192.0.2.1", SEEDER_PORT), compact("10.77.0.13", 6001)), reply);
  }

  @Test
  void anIpFromAnythingButLoopbackIsIgnored() throws Exception {
    assertArrayEquals(compact("192.0.2.1", SEEDER_PORT), announce(ip("10.77.0.15"), CONTROLLER, 3, 6003, "&ip=203.0.113.9"));
    byte[] reply = announce(ip("10.77.0.16"), CONTROLLER, 4, 6004, "");
    assertArrayEquals(concat(compact("192.0.2.1", SEEDER_PORT), compact("10.77.0.15", 6003)), reply);
  }

  /** An embedded channel with real socket addresses, as the handler expects of a TCP connection. */
  private static final class Connection extends EmbeddedChannel {
    private final SocketAddress remote;
    private final SocketAddress local;

    Connection(SocketAddress remote, SocketAddress local) throws Exception {
      super(false, false);
      this.remote = remote;
      this.local = local;
      register();
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return remote;
    }

    @Override
    protected SocketAddress localAddress0() {
      return local;
    }
  }
}
