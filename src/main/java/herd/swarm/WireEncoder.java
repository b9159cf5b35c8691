package herd.swarm;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes handshakes and messages. A {@link Message.Piece} is written header and data together; the seeder's
 * zero-copy path writes {@link #pieceHeader} followed by a file region instead.
 */
public final class WireEncoder extends MessageToByteEncoder<Object> {
  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof Message || msg instanceof Handshake;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
    if (msg instanceof Handshake) {
      ((Handshake) msg).writeTo(out);
    } else {
      write((Message) msg, out);
    }
  }

  static void write(Message msg, ByteBuf out) {
    if (msg instanceof Message.KeepAlive) {
      out.writeInt(0);
    } else if (msg instanceof Message.Choke) {
      simple(out, Message.CHOKE);
    } else if (msg instanceof Message.Unchoke) {
      simple(out, Message.UNCHOKE);
    } else if (msg instanceof Message.Interested) {
      simple(out, Message.INTERESTED);
    } else if (msg instanceof Message.NotInterested) {
      simple(out, Message.NOT_INTERESTED);
    } else if (msg instanceof Message.Have h) {
      out.writeInt(5).writeByte(Message.HAVE).writeInt(h.piece());
    } else if (msg instanceof Message.Bitfield b) {
      out.writeInt(1 + b.bits().length).writeByte(Message.BITFIELD).writeBytes(b.bits());
    } else if (msg instanceof Message.Request r) {
      triple(out, Message.REQUEST, r.piece(), r.begin(), r.length());
    } else if (msg instanceof Message.Cancel c) {
      triple(out, Message.CANCEL, c.piece(), c.begin(), c.length());
    } else if (msg instanceof Message.Piece p) {
      try {
        pieceHeader(out, p.piece(), p.begin(), p.data().readableBytes());
        out.writeBytes(p.data(), p.data().readerIndex(), p.data().readableBytes());
      } finally {
        p.data().release();
      }
    } else if (msg instanceof Message.Port p) {
      out.writeInt(3).writeByte(Message.PORT).writeShort(p.port());
    }
  }

  /** The 13 bytes that precede a block's data. */
  static void pieceHeader(ByteBuf out, int piece, int begin, int length) {
    out.writeInt(9 + length).writeByte(Message.PIECE).writeInt(piece).writeInt(begin);
  }

  private static void simple(ByteBuf out, int id) {
    out.writeInt(1).writeByte(id);
  }

  private static void triple(ByteBuf out, int id, int a, int b, int c) {
    out.writeInt(13).writeByte(id).writeInt(a).writeInt(b).writeInt(c);
  }
}
