package herd.swarm;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One connection to one peer. Runs on the swarm's event loop, like all swarm state. Nobody is choked: every
 * peer that asks is served, and this side keeps {@link SwarmOptions#pipeline} requests in flight.
 */
final class PeerConnection extends SimpleChannelInboundHandler<Object> {
  private static final System.Logger LOG = System.getLogger(PeerConnection.class.getName());
  private static final int MAX_REQUEST = 128 * 1024;

  private final Swarm swarm;
  private final boolean outgoing;
  private final BitSet peerHas = new BitSet();
  private final Set<Block> outstanding = new LinkedHashSet<>();
  private Channel channel;
  private byte[] peerId;
  private boolean choked = true;
  private boolean interested;

  PeerConnection(Swarm swarm, boolean outgoing) {
    this.swarm = swarm;
    this.outgoing = outgoing;
  }

  boolean outgoing() {
    return outgoing;
  }

  byte[] peerId() {
    return peerId;
  }

  Channel channel() {
    return channel;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (outgoing) ctx.writeAndFlush(swarm.handshake());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws IOException {
    if (msg instanceof Handshake h) {
      onHandshake(ctx, h);
    } else if (msg instanceof Message.Piece p) {
      onBlock(new Block(p.piece(), p.begin(), p.data().readableBytes()), p.data());
    } else if (msg instanceof Message.Request r) {
      onRequest(ctx, new Block(r.piece(), r.begin(), r.length()));
    } else if (msg instanceof Message.Have h) {
      checkIndex(h.piece());
      if (!peerHas.get(h.piece())) {
        peerHas.set(h.piece());
        swarm.picker().addAvailability(h.piece());
        if (swarm.seeding() != null) swarm.seeding().peerHas(h.piece());
        updateInterest();
        fill();
        swarm.peerReported(this);
      }
    } else if (msg instanceof Message.Bitfield b) {
      onBitfield(b.bits());
    } else if (msg instanceof Message.Unchoke) {
      choked = false;
      fill();
    } else if (msg instanceof Message.Choke) {
      choked = true;
      dropOutstanding();
    }
    // Interested, NotInterested, Cancel, Port, KeepAlive: nobody is choked and blocks are sent at once.
  }

  private void onHandshake(ChannelHandlerContext ctx, Handshake h) {
    if (!Arrays.equals(h.infoHash(), swarm.metainfo().infoHash())) throw new WireException("wrong info-hash");
    if (!swarm.admission().admits(h.infoHash(), h.peerId())) throw new WireException("peer is not a member of this run");
    peerId = h.peerId();
    if (!outgoing) ctx.write(swarm.handshake());
    if (!swarm.register(this)) {
      ctx.close();
      return;
    }
    if (swarm.seeding() != null) {
      show(swarm.seeding().show(this, peerHas));
    } else {
      BitSet have = swarm.picker().haveSet();
      if (!have.isEmpty()) ctx.write(new Message.Bitfield(toBytes(have, swarm.metainfo().pieceCount())));
    }
    ctx.writeAndFlush(new Message.Unchoke());
  }

  private void onBitfield(byte[] bits) {
    int pieces = swarm.metainfo().pieceCount();
    if (bits.length != (pieces + 7) / 8) throw new WireException("bitfield of " + bits.length + " bytes for " + pieces + " pieces");
    BitSet set = new BitSet(pieces);
    for (int i = 0; i < bits.length * 8; i++) {
      if ((bits[i >> 3] & (0x80 >>> (i & 7))) != 0) {
        if (i >= pieces) throw new WireException("bitfield sets spare bits");
        set.set(i);
      }
    }
    swarm.picker().removeAvailability(peerHas);
    peerHas.clear();
    peerHas.or(set);
    swarm.picker().addAvailability(peerHas);
    if (swarm.seeding() != null) set.stream().forEach(swarm.seeding()::peerHas);
    updateInterest();
    fill();
    swarm.peerReported(this);
  }

  private void onRequest(ChannelHandlerContext ctx, Block b) throws IOException {
    checkIndex(b.piece());
    if (!swarm.picker().have(b.piece())) throw new WireException("request for piece " + b.piece() + " we do not have");
    int pieceLength = swarm.metainfo().pieceLength(b.piece());
    if (b.length() <= 0 || b.length() > MAX_REQUEST || b.begin() < 0 || b.begin() > pieceLength - b.length()) {
      throw new WireException("bad request " + b);
    }
    if (swarm.admission().tls()) {
      // TLS encrypts in memory: the block is read into the same buffer as its header.
      ByteBuf msg = ctx.alloc().ioBuffer(13 + b.length());
      WireEncoder.pieceHeader(msg, b.piece(), b.begin(), b.length());
      try {
        swarm.store().read(b, msg);
      } catch (IOException e) {
        msg.release();
        throw e;
      }
      ctx.write(msg);
    } else {
      ByteBuf header = ctx.alloc().buffer(13);
      WireEncoder.pieceHeader(header, b.piece(), b.begin(), b.length());
      ctx.write(header);
      ctx.write(swarm.store().region(b));
    }
    swarm.uploaded(b.length());
  }

  private void onBlock(Block b, ByteBuf data) {
    try {
      if (!outstanding.remove(b)) checkIndex(b.piece()); // unsolicited, or late after an endgame cancel
      if (!swarm.picker().wanted(b)) return;
      swarm.store().write(b, data);
      swarm.blockReceived(this, b);
    } catch (IOException e) {
      swarm.fail(e);
      return;
    } finally {
      data.release();
    }
    fill();
  }

  /** Another connection delivered {@code b} first (endgame): stop waiting for it here. */
  void cancel(Block b) {
    if (outstanding.remove(b)) channel.writeAndFlush(new Message.Cancel(b.piece(), b.begin(), b.length()));
  }

  BitSet peerHas() {
    return peerHas;
  }

  /** Tells the peer we have {@code pieces} (initial seeding shows them a few at a time). */
  void show(List<Integer> pieces) {
    for (int piece : pieces) channel.write(new Message.Have(piece));
  }

  /** We verified a piece: tell the peer, and stop being interested once it has nothing more for us. */
  void announceHave(int piece) {
    channel.write(new Message.Have(piece));
    updateInterest();
  }

  /**
   * Sends what was written. Replies to a peer's messages go out together once a read is processed; whoever writes
   * from outside a read (the swarm, after verifying a piece) flushes.
   */
  void flush() {
    channel.flush();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  /**
   * Requests more blocks until the pipeline is full (written, not flushed), once a quarter of it is free rather than
   * after every block: the picker is asked for a quarter of the pipeline at a time, and the other three quarters keep
   * the link busy meanwhile.
   */
  void fill() {
    if (choked || peerId == null) return;
    int pipeline = swarm.options().pipeline();
    int room = pipeline - outstanding.size();
    if (room < Math.max(1, pipeline / 4)) return;
    List<Block> blocks = swarm.picker().next(this, peerHas, room, outstanding);
    for (Block b : blocks) {
      outstanding.add(b);
      channel.write(new Message.Request(b.piece(), b.begin(), b.length()));
    }
  }

  private void updateInterest() {
    boolean want = swarm.picker().interesting(peerHas);
    if (want != interested) {
      interested = want;
      channel.write(want ? new Message.Interested() : new Message.NotInterested());
    }
  }

  private void dropOutstanding() {
    for (Block b : outstanding) swarm.picker().cancelled(b);
    outstanding.clear();
  }

  private void checkIndex(int piece) {
    if (piece < 0 || piece >= swarm.metainfo().pieceCount()) throw new WireException("piece index " + piece + " out of range");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    dropOutstanding();
    swarm.picker().removeAvailability(peerHas);
    swarm.picker().peerGone(this);
    swarm.unregister(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, () -> "closing " + ctx.channel().remoteAddress() + ": " + cause);
    ctx.close();
  }

  static byte[] toBytes(BitSet set, int bits) {
    byte[] out = new byte[(bits + 7) / 8];
    for (int i = set.nextSetBit(0); i >= 0 && i < bits; i = set.nextSetBit(i + 1)) out[i >> 3] |= (byte) (0x80 >>> (i & 7));
    return out;
  }
}
