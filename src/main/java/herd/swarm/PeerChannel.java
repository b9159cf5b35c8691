package herd.swarm;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One connection to one peer over Netty. Its handshake names a torrent (the one we dialed for, or, on an incoming
 * connection, whichever of the swarm's torrents it asks for); from then on it hands that torrent's {@link Peer}
 * every message and sends what the torrent queues. Runs on the swarm's event loop, like the torrents.
 */
final class PeerChannel extends SimpleChannelInboundHandler<Object> implements PeerLink {
  private static final System.Logger LOG = System.getLogger(PeerChannel.class.getName());

  private final Swarm swarm;
  private final boolean outgoing;
  /** The torrent: known from the start when we dialed, from the handshake when the peer did. */
  private Torrent torrent;
  private Channel channel;
  /** Where the peer is: for a connection we dialed, the address dialed. */
  private InetSocketAddress remote;
  private Peer peer;

  /** A connection we dial for {@code torrent}, or (torrent null) one a peer opened. */
  PeerChannel(Swarm swarm, Torrent torrent) {
    this.swarm = swarm;
    this.torrent = torrent;
    this.outgoing = torrent != null;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    remote = (InetSocketAddress) channel.remoteAddress();
    if (outgoing) ctx.writeAndFlush(torrent.handshake());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws IOException {
    if (msg instanceof Handshake h) {
      onHandshake(ctx, h);
    } else if (msg instanceof Message.Piece p) {
      ByteBuf data = p.data();
      try {
        if (peer != null) peer.receivedBlock(new Block(p.piece(), p.begin(), data.readableBytes()), data.nioBuffer());
      } finally {
        data.release();
      }
    } else if (peer != null) {
      peer.received((Message) msg);
    }
  }

  private void onHandshake(ChannelHandlerContext ctx, Handshake h) {
    if (outgoing) {
      if (!Arrays.equals(h.infoHash(), torrent.metainfo().infoHash())) throw new WireException("wrong info-hash");
    } else {
      torrent = swarm.torrent(h.infoHash());
      if (torrent == null) throw new WireException("unknown info-hash");
    }
    if (!swarm.admission().admits(h.infoHash(), h.peerId())) throw new WireException("peer is not a member of this run");
    ctx.pipeline().get(WireDecoder.class).limit(maxMessage(torrent));
    if (!outgoing) ctx.write(torrent.handshake());
    peer = torrent.join(this, h.peerId(), outgoing);
    if (peer == null) {
      ctx.close();
    } else if (!torrent.options().term().isZero()) {
      endTermLater(ctx);
    }
  }

  /**
   * After a term, hangs up if the torrent {@linkplain Torrent#rotates rotates} its peers; else looks again a term
   * later.
   */
  private void endTermLater(ChannelHandlerContext ctx) {
    ctx.executor().schedule(() -> {
      if (torrent.rotates()) {
        ctx.close();
      } else if (ctx.channel().isActive()) {
        endTermLater(ctx);
      }
    }, torrent.options().term().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The largest message a peer of {@code torrent} may send: a few blocks, or its whole bitfield. */
  private static int maxMessage(Torrent torrent) {
    return Math.max(Swarm.MAX_MESSAGE, torrent.metainfo().pieceCount() / 8 + 2);
  }

  @Override
  public void send(Message message) {
    channel.write(message);
  }

  @Override
  public void sendBlock(Block b) throws IOException {
    ChannelFuture written;
    if (swarm.admission().tls()) {
      // TLS encrypts in memory: the block is read into the same buffer as its header.
      ByteBuf msg = channel.alloc().ioBuffer(13 + b.length());
      WireEncoder.pieceHeader(msg, b.piece(), b.begin(), b.length());
      try {
        torrent.store().read(b, msg);
      } catch (IOException e) {
        msg.release();
        throw e;
      }
      written = channel.write(msg);
    } else {
      ByteBuf header = channel.alloc().buffer(13);
      WireEncoder.pieceHeader(header, b.piece(), b.begin(), b.length());
      written = channel.write(header);
      for (FileRegion region : torrent.store().regions(b)) written = channel.write(region);
    }
    written.addListener(f -> {
      if (f.isSuccess()) torrent.uploaded(b.length());
    });
  }

  /**
   * Sends what was queued. Replies to a peer's messages go out together once a read is processed; whoever queues
   * from outside a read (the torrent, after verifying a piece) flushes.
   */
  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public String describe() {
    return String.valueOf(remote);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer == null) return;
    peer.gone();
    if (outgoing) torrent.mayRedial(remote);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, () -> "closing " + ctx.channel().remoteAddress() + ": " + cause);
    ctx.close();
  }
}
