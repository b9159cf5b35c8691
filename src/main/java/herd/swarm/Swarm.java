package herd.swarm;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;

/**
 * This process's part in BitTorrent swarms: one listener (on one or more addresses, one port) that routes each
 * incoming connection by the info-hash of its handshake to one of the {@link Torrent}s added here, and the dialer
 * those torrents connect out with. Every connection and torrent runs on one event loop; pieces are hashed on worker
 * threads. Who may connect at all is the {@link Admission}'s to say, for every torrent alike.
 */
public final class Swarm implements AutoCloseable {
  /** A block plus its header: what every message but the bitfield fits in, before the handshake names a torrent. */
  static final int MAX_MESSAGE = Block.SIZE * 8 + 13;

  private final Admission admission;
  private final EventLoop loop;
  /** Shapes every connection's traffic together, or null for no limit. */
  private final GlobalTrafficShapingHandler shaper;
  private final ExecutorService hashers;
  private final Map<ByteBuffer, Torrent> torrents = new ConcurrentHashMap<>();
  /** The listening sockets: the first bound by {@link #start}, more by {@link #listenAlso}. */
  private final List<Channel> servers = new CopyOnWriteArrayList<>();

  private Swarm(Admission admission, EventLoop loop, long bytesPerSecond) {
    this.admission = admission;
    this.loop = loop;
    this.shaper = bytesPerSecond > 0 ? new GlobalTrafficShapingHandler(loop, bytesPerSecond, bytesPerSecond) : null;
    // threads start on the first piece to hash: a seeder never starts any
    this.hashers = Executors.newFixedThreadPool(
        Math.max(1, Runtime.getRuntime().availableProcessors() - 1), new DefaultThreadFactory("herd-hash", true));
  }

  /**
   * Listens on {@code bind} (port 0 for any) for the peers {@code admission} lets in. All connections run on one
   * loop of {@code group}. With {@code bytesPerSecond} above 0, they upload at most that many bytes a second in all,
   * and download at most as many.
   */
  public static Swarm start(EventLoopGroup group, Admission admission, InetSocketAddress bind, long bytesPerSecond)
      throws IOException {
    Swarm swarm = new Swarm(admission, group.next(), bytesPerSecond);
    try {
      swarm.listenAlso(bind);
    } catch (IOException e) {
      swarm.close();
      throw e;
    }
    return swarm;
  }

  /**
   * Listens on one more address, for instance the same port on another local address. A port in use fails with
   * {@link java.net.BindException}.
   */
  public void listenAlso(InetSocketAddress bind) throws IOException {
    ChannelFuture bound = new ServerBootstrap()
        .group(loop, loop)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer(null))
        .bind(bind).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      if (bound.cause() instanceof IOException e) throw e;
      throw new IOException("cannot listen on " + bind, bound.cause());
    }
    servers.add(bound.channel());
  }

  /**
   * Shares {@code store}, of which the pieces in {@code have} are already verified. A torrent already here is
   * refused.
   */
  public Torrent add(PieceStore store, BitSet have, SwarmOptions options) {
    byte[] infoHash = store.metainfo().infoHash();
    Torrent torrent = new Torrent(store, have, admission.newPeerId(infoHash), options, loop, hashers, this::dial);
    if (torrents.putIfAbsent(ByteBuffer.wrap(infoHash), torrent) != null) {
      throw new IllegalStateException("torrent " + store.metainfo().name() + " is shared already");
    }
    return torrent;
  }

  /** Stops sharing {@code torrent}: its connections close, and no new ones reach it. */
  public void remove(Torrent torrent) {
    torrents.remove(ByteBuffer.wrap(torrent.metainfo().infoHash()), torrent);
    loop.submit(torrent::close).syncUninterruptibly();
  }

  public int port() {
    return ((InetSocketAddress) servers.get(0).localAddress()).getPort();
  }

  Admission admission() {
    return admission;
  }

  /** The torrent a peer's handshake asks for, or null. */
  Torrent torrent(byte[] infoHash) {
    return torrents.get(ByteBuffer.wrap(infoHash));
  }

  /** On the loop: connects to a peer for {@code torrent}. */
  private void dial(Torrent torrent, InetSocketAddress address) {
    new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(initializer(torrent))
        .connect(address)
        .addListener(f -> {
          if (!f.isSuccess()) torrent.mayRedial(address);
        });
  }

  @Override
  public void close() {
    for (Channel server : servers) server.close().syncUninterruptibly();
    for (Torrent t : torrents.values()) remove(t);
    hashers.shutdownNow();
    if (shaper != null) shaper.release();
  }

  private ChannelInitializer<SocketChannel> initializer(Torrent outgoingFor) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) throws SSLException {
        if (shaper != null) ch.pipeline().addLast(shaper);
        if (admission.tls()) {
          ch.config().setAllocator(HeapAllocator.INSTANCE);
          ch.pipeline().addLast(admission.sslHandler(outgoingFor != null));
        }
        ch.pipeline().addLast(new WireDecoder(MAX_MESSAGE), new WireEncoder(), new PeerChannel(Swarm.this, outgoingFor));
      }
    };
  }
}
