package herd.tracker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP BitTorrent tracker (BEP 3, 23, 7) for exactly one torrent, serving {@code /announce} on a port of its own.
 *
 * <p>herd's seeder never announces; instead, when {@code seederPort} is not 0, every reply lists it first at the
 * local address of the connection that carried the announce, which is the address that host reached us at.
 *
 * <p>A host that cannot reach this machine announces through a reverse forward on its SSH connection, so its announce
 * comes from a loopback address; it names its own address in BEP 3's {@code ip} parameter. Such an announce, and only
 * such (from loopback, with an {@code ip}), puts the peer in the swarm at that {@code ip}, and its reply lists no
 * seeder: that host reaches the seeder through a forward of its own.
 */
public final class Tracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tracker.class);
  /** Announces are bodiless GETs. */
  private static final int MAX_CONTENT = 1024;
  /** A whole fleet announces at once when a push starts. */
  private static final int BACKLOG = 1024;
  private static final int IDLE_SECONDS = 60;

  /** The listening sockets and every connection they accepted; each leaves the group when it closes. */
  private final ChannelGroup channels;
  private final ServerBootstrap bootstrap;
  private final int port;

  private Tracker(ChannelGroup channels, ServerBootstrap bootstrap, int port) {
    this.channels = channels;
    this.bootstrap = bootstrap;
    this.port = port;
  }

  /**
   * Binds the tracker. {@code group} must be a NIO group and stays the caller's to shut down. {@code interval},
   * whole seconds of at least 1, is how often clients are told to announce; peers silent for three intervals are
   * dropped. A port in use fails with {@link java.net.BindException}, so that the caller can try another. With a
   * {@code token}, only announces carrying it in a {@code token} parameter are answered; null admits anyone.
   */
  public static Tracker start(
      EventLoopGroup group, InetSocketAddress bind, byte[] infoHash, byte[] token, int seederPort, Duration interval)
      throws IOException {
    if (infoHash.length != 20) throw new IllegalArgumentException("info-hash must be 20 bytes");
    if (seederPort < 0 || seederPort > 65535) throw new IllegalArgumentException("bad seeder port " + seederPort);
    if (interval.toSeconds() < 1) throw new IllegalArgumentException("interval must be at least a second");
    Swarm swarm = new Swarm(interval, new Random());
    AnnounceHandler handler = new AnnounceHandler(infoHash, token, seederPort, interval.toSeconds(), swarm);
    ChannelGroup channels = new DefaultChannelGroup("tracker", group.next());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ch.pipeline().addLast(
                new IdleStateHandler(0, 0, IDLE_SECONDS),
                new HttpServerCodec(),
                new HttpObjectAggregator(MAX_CONTENT),
                handler);
          }
        });
    InetSocketAddress local = bind(bootstrap, channels, bind);
    return new Tracker(channels, bootstrap, local.getPort());
  }

  /**
   * Listens on one more address, for instance the same port on another local address. A port in use fails with
   * {@link java.net.BindException}.
   */
  public void listenAlso(InetSocketAddress bind) throws IOException {
    bind(bootstrap, channels, bind);
  }

  private static InetSocketAddress bind(ServerBootstrap bootstrap, ChannelGroup channels, InetSocketAddress bind)
      throws IOException {
    ChannelFuture bound = bootstrap.bind(bind).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      if (bound.cause() instanceof IOException e) throw e;
      throw new IOException("cannot start tracker on " + bind, bound.cause());
    }
    channels.add(bound.channel());
    InetSocketAddress local = (InetSocketAddress) bound.channel().localAddress();
    log.info("tracker listening on {}", local);
    return local;
  }

  public int port() {
    return port;
  }

  /**
   * Closes the listening sockets and every open connection, and waits for that; not to be called on an event loop.
   * The port itself is free a moment later, when the event loop next selects (JDK 17 closes a registered channel's
   * socket then).
   */
  @Override
  public void close() {
    channels.close().awaitUninterruptibly();
  }
}
