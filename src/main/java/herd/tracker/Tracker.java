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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP BitTorrent tracker (BEP 3, 23, 7) serving {@code /announce} on a port of its own, for the torrents
 * {@link #add added} to it, or for any torrent ({@link TrackerOptions#anyTorrent}).
 *
 * <p>herd's seeder never announces; instead, when {@link TrackerOptions#seederPort} is not 0, replies for an added
 * torrent to the peers granted the seeder (a bounded, rotating set: see {@link Swarm}) list it first, at the local
 * address of the connection that carried the announce, which is the address that host reached us at.
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
  private final Swarms swarms;
  private final ScheduledFuture<?> sweeps;
  private final int port;

  private Tracker(ChannelGroup channels, ServerBootstrap bootstrap, Swarms swarms, ScheduledFuture<?> sweeps, int port) {
    this.channels = channels;
    this.bootstrap = bootstrap;
    this.swarms = swarms;
    this.sweeps = sweeps;
    this.port = port;
  }

  /**
   * Binds the tracker, which also serves {@code pages}. {@code group} must be a NIO group and stays the caller's to
   * shut down. A port in use fails with {@link java.net.BindException}, so that the caller can try another.
   */
  public static Tracker start(EventLoopGroup group, InetSocketAddress bind, TrackerOptions options, Pages pages)
      throws IOException {
    Swarms swarms = new Swarms(options, new Random());
    AnnounceHandler handler = new AnnounceHandler(options, swarms, pages);
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
    long every = options.interval().toNanos();
    ScheduledFuture<?> sweeps = group.scheduleAtFixedRate(() -> swarms.sweep(System.nanoTime()), every, every, TimeUnit.NANOSECONDS);
    return new Tracker(channels, bootstrap, swarms, sweeps, local.getPort());
  }

  /** Tracks {@code infoHash} (20 bytes) from now on; with a seeder port, replies for it list the seeder. */
  public void add(byte[] infoHash) {
    swarms.add(infoHash);
  }

  /** Stops tracking {@code infoHash}, and forgets its peers. */
  public void remove(byte[] infoHash) {
    swarms.remove(infoHash);
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
    sweeps.cancel(false);
    channels.close().awaitUninterruptibly();
  }
}
