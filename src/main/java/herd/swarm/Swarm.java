package herd.swarm;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * One torrent being shared by this process: it listens for peers, connects to peers it is told of, fetches what
 * it lacks and serves what it has. All its state lives on one event loop; piece hashing runs on worker threads
 * and reports back to that loop.
 */
public final class Swarm implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Swarm.class.getName());

  private final Metainfo meta;
  private final PieceStore store;
  private final byte[] peerId;
  private final Admission admission;
  private final SwarmOptions options;
  private final EventLoop loop;
  private final ExecutorService hashers;
  private final PiecePicker picker;
  private final List<PeerConnection> peers = new ArrayList<>();
  private final Set<InetSocketAddress> dialed = new HashSet<>();
  /** Who sent blocks of each piece being fetched, to drop them if the piece fails its hash. */
  private final Map<Integer, Set<PeerConnection>> contributors = new HashMap<>();
  /** The SHA-256 of each piece this swarm verified, for the content digest. */
  private final byte[][] pieceSha256;
  /** Non-null while this seeder still holds pieces back: see {@link InitialSeeding}. */
  private InitialSeeding seeding;
  /** Peers that sent a corrupt piece; they are not let back in. */
  private final Set<ByteBuffer> banned = new HashSet<>();
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private final AtomicLong verifiedBytes = new AtomicLong();
  private final AtomicLong uploadedBytes = new AtomicLong();
  /** The listening sockets: the first bound by {@link #start}, more by {@link #listenAlso}. */
  private final List<Channel> servers = new CopyOnWriteArrayList<>();

  private Swarm(Metainfo meta, PieceStore store, BitSet have, Admission admission, SwarmOptions options, EventLoop loop) {
    this.meta = meta;
    this.store = store;
    this.admission = admission;
    this.peerId = admission.newPeerId(meta.infoHash());
    this.pieceSha256 = new byte[meta.pieceCount()][];
    this.options = options;
    this.loop = loop;
    this.picker = new PiecePicker(meta.pieceCount(), meta::pieceLength, new Random());
    for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) {
      picker.verified(i);
      verifiedBytes.addAndGet(meta.pieceLength(i));
    }
    this.hashers = have.cardinality() == meta.pieceCount() ? null : Executors.newFixedThreadPool(
        Math.max(1, Runtime.getRuntime().availableProcessors() - 1), new DefaultThreadFactory("herd-hash", true));
    if (picker.complete()) completion.complete(null);
    if (options.initialSeeding() && picker.complete() && meta.pieceCount() > 0) {
      int window = Math.max(2, 2 * options.pipeline() * Block.SIZE / meta.pieceLength());
      seeding = new InitialSeeding(meta.pieceCount(), window, new Random());
    }
  }

  /**
   * Starts sharing {@code store}, of which the pieces in {@code have} are already verified, with the peers that
   * {@code admission} lets in, listening on {@code bind} (port 0 for any). All connections run on one loop of
   * {@code group}.
   */
  public static Swarm start(EventLoopGroup group, PieceStore store, BitSet have, Admission admission,
      SwarmOptions options, InetSocketAddress bind) throws IOException {
    Swarm swarm = new Swarm(store.metainfo(), store, have, admission, options, group.next());
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
        .childHandler(initializer(false))
        .bind(bind).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      if (bound.cause() instanceof IOException e) throw e;
      throw new IOException("cannot listen on " + bind, bound.cause());
    }
    servers.add(bound.channel());
  }

  /**
   * Connects to a peer unless already dialed, or unless this swarm has every piece: those who lack pieces dial
   * it. Safe from any thread.
   */
  public void connect(InetSocketAddress address) {
    loop.execute(() -> {
      if (picker.complete() || !dialed.add(address) || peers.size() >= options.maxPeers()) return;
      new Bootstrap()
          .group(loop)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
          .handler(initializer(true))
          .connect(address)
          .addListener(f -> {
            if (!f.isSuccess()) dialed.remove(address);
          });
    });
  }

  public int port() {
    return ((InetSocketAddress) servers.get(0).localAddress()).getPort();
  }

  public Metainfo metainfo() {
    return meta;
  }

  public byte[] peerId() {
    return peerId.clone();
  }

  public long verifiedBytes() {
    return verifiedBytes.get();
  }

  public long uploadedBytes() {
    return uploadedBytes.get();
  }

  /**
   * The content digest ({@link herd.metainfo.Hashing}) of what is on disk; call once complete. Pieces this swarm
   * did not verify itself are read back for it.
   */
  public byte[] contentDigest() {
    byte[][] digests = loop.submit(() -> pieceSha256.clone()).syncUninterruptibly().getNow();
    for (int i = 0; i < digests.length; i++) {
      if (digests[i] == null) digests[i] = store.verify(i);
    }
    return Hashing.contentDigest(digests);
  }

  /** Completes when every piece is verified on disk. */
  public CompletableFuture<Void> completion() {
    return completion;
  }

  /** How many peers are connected now. */
  public int peerCount() {
    return loop.submit(peers::size).syncUninterruptibly().getNow();
  }

  @Override
  public void close() {
    for (Channel server : servers) server.close().syncUninterruptibly();
    loop.submit(() -> {
      for (PeerConnection p : new ArrayList<>(peers)) p.channel().close();
    }).syncUninterruptibly();
    if (hashers != null) hashers.shutdownNow();
    completion.completeExceptionally(new IllegalStateException("swarm closed"));
  }

  // ---- called by connections, on the loop ----

  PiecePicker picker() {
    return picker;
  }

  PieceStore store() {
    return store;
  }

  SwarmOptions options() {
    return options;
  }

  Admission admission() {
    return admission;
  }

  Handshake handshake() {
    return new Handshake(meta.infoHash(), peerId);
  }

  void uploaded(int bytes) {
    uploadedBytes.addAndGet(bytes);
  }

  /**
   * Admits a connection after its handshake. Refuses ourselves and a second connection to the same peer: of two
   * connections between the same pair, both sides keep the one opened by the peer with the smaller id.
   */
  boolean register(PeerConnection conn) {
    if (Arrays.equals(conn.peerId(), peerId) || banned.contains(ByteBuffer.wrap(conn.peerId()))) return false;
    for (PeerConnection other : peers) {
      if (Arrays.equals(other.peerId(), conn.peerId())) {
        boolean keepNew = conn.outgoing() == (Arrays.compare(peerId, conn.peerId()) < 0);
        if (!keepNew) return false;
        other.channel().close();
      }
    }
    if (peers.size() >= options.maxPeers()) return false;
    peers.add(conn);
    return true;
  }

  void unregister(PeerConnection conn) {
    peers.remove(conn);
    if (seeding != null) seeding.peerGone(conn);
  }

  /** The initial seeding under way, or null once every piece is out (or for any other swarm). */
  InitialSeeding seeding() {
    return seeding;
  }

  /** A peer reported pieces: under initial seeding, show it more, or everything to everyone once all are out. */
  void peerReported(PeerConnection conn) {
    if (seeding == null) return;
    if (!seeding.done()) {
      conn.show(seeding.show(conn, conn.peerHas()));
      conn.flush();
      return;
    }
    InitialSeeding finished = seeding;
    seeding = null;
    for (PeerConnection p : peers) {
      BitSet hidden = picker.haveSet();
      hidden.andNot(finished.shownTo(p));
      p.show(hidden.stream().boxed().toList());
      p.flush();
    }
  }

  void blockReceived(PeerConnection from, Block b) {
    if (picker.endgame()) {
      for (PeerConnection p : peers) if (p != from) p.cancel(b);
    }
    contributors.computeIfAbsent(b.piece(), k -> new HashSet<>()).add(from);
    if (picker.received(b)) {
      // the piece's senders leave the table now, so that a ban while it is hashed cannot reset it mid-check
      Set<PeerConnection> senders = contributors.remove(b.piece());
      hashers.execute(() -> {
        try {
          byte[] sha256 = store.verify(b.piece());
          loop.execute(() -> pieceHashed(b.piece(), senders, sha256));
        } catch (RuntimeException e) {
          loop.execute(() -> fail(e));
        }
      });
    }
  }

  /** The local store failed (disk full, I/O error): this swarm cannot complete. */
  void fail(Throwable cause) {
    LOG.log(System.Logger.Level.WARNING, "cannot store the content: " + cause);
    completion.completeExceptionally(cause);
    for (PeerConnection p : new ArrayList<>(peers)) p.channel().close();
  }

  private void pieceHashed(int piece, Set<PeerConnection> senders, byte[] sha256) {
    if (sha256 == null) {
      picker.failed(piece);
      if (senders.size() == 1) {
        PeerConnection liar = senders.iterator().next();
        LOG.log(System.Logger.Level.WARNING, "piece " + piece + " from " + liar.channel().remoteAddress()
            + " failed its hash; dropping that peer and fetching again");
        ban(liar);
      } else {
        LOG.log(System.Logger.Level.WARNING, "piece " + piece + " failed its hash; fetching it again");
      }
    } else {
      picker.verified(piece);
      pieceSha256[piece] = sha256;
      verifiedBytes.addAndGet(meta.pieceLength(piece));
      for (PeerConnection p : peers) p.announceHave(piece);
      if (picker.complete()) completion.complete(null);
    }
    for (PeerConnection p : peers) {
      p.fill();
      p.flush();
    }
  }

  /** Drops a peer that sent corrupt data, for good, with every piece still being fetched that it had a hand in. */
  private void ban(PeerConnection liar) {
    banned.add(ByteBuffer.wrap(liar.peerId()));
    contributors.entrySet().removeIf(e -> {
      if (!e.getValue().contains(liar)) return false;
      picker.failed(e.getKey());
      return true;
    });
    liar.channel().close();
  }

  private ChannelInitializer<SocketChannel> initializer(boolean outgoing) {
    int maxMessage = Math.max(Block.SIZE * 8 + 13, meta.pieceCount() / 8 + 2);
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) throws SSLException {
        if (admission.tls()) {
          ch.config().setAllocator(HeapAllocator.INSTANCE);
          ch.pipeline().addLast(admission.sslHandler(outgoing));
        }
        ch.pipeline().addLast(new WireDecoder(maxMessage), new WireEncoder(), new PeerConnection(Swarm.this, outgoing));
      }
    };
  }
}
