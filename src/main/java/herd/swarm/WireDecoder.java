package herd.swarm;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes a handshake, then length-prefixed messages. Anything malformed (an oversized length, an unknown id, a
 * wrong payload size) throws {@link WireException} once; the connection handler then closes that one connection,
 * and whatever else arrives, or is left when the channel closes, is discarded.
 */
public final class WireDecoder extends ByteToMessageDecoder {
  private int maxLength;
  private boolean handshakeDone;
  /** Set by the first malformed input: nothing after it is decoded, as it no longer lines up with messages. */
  private boolean failed;

  /** @param maxLength the largest message accepted: a block plus its header, or the bitfield, whichever is larger */
  public WireDecoder(int maxLength) {
    this.maxLength = maxLength;
  }

  /**
   * Sets the largest message accepted from now on: a connection learns its torrent, and so its bitfield's size,
   * from the handshake. The handshake is decoded alone, so this applies to every message after it.
   */
  void limit(int maxLength) {
    this.maxLength = maxLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      decodeAll(in, out);
    } catch (WireException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private void decodeAll(ByteBuf in, List<Object> out) {
    if (!handshakeDone) {
      if (in.readableBytes() < Handshake.LENGTH) return;
      out.add(Handshake.readFrom(in));
      handshakeDone = true;
      return;
    }
    while (in.readableBytes() >= 4) {
      long length = in.getUnsignedInt(in.readerIndex());
      if (length > maxLength) throw new WireException("message of " + length + " bytes exceeds " + maxLength);
      if (in.readableBytes() < 4 + length) return;
      in.skipBytes(4);
      out.add(length == 0 ? new Message.KeepAlive() : message(in, (int) length));
    }
  }

  private static Message message(ByteBuf in, int length) {
    int id = in.readUnsignedByte();
    int payload = length - 1;
    switch (id) {
      case Message.CHOKE:
        expect(id, payload, 0);
        return new Message.Choke();
      case Message.UNCHOKE:
        expect(id, payload, 0);
        return new Message.Unchoke();
      case Message.INTERESTED:
        expect(id, payload, 0);
        return new Message.Interested();
      case Message.NOT_INTERESTED:
        expect(id, payload, 0);
        return new Message.NotInterested();
      case Message.HAVE:
        expect(id, payload, 4);
        return new Message.Have(in.readInt());
      case Message.BITFIELD: {
        byte[] bits = new byte[payload];
        in.readBytes(bits);
        return new Message.Bitfield(bits);
      }
      case Message.REQUEST:
        expect(id, payload, 12);
        return new Message.Request(in.readInt(), in.readInt(), in.readInt());
      case Message.PIECE:
        if (payload < 8) throw new WireException("piece message too short");
        return new Message.Piece(in.readInt(), in.readInt(), in.readRetainedSlice(payload - 8));
      case Message.CANCEL:
        expect(id, payload, 12);
        return new Message.Cancel(in.readInt(), in.readInt(), in.readInt());
      case Message.PORT:
        expect(id, payload, 2);
        return new Message.Port(in.readUnsignedShort());
      case Message.EXTENDED:
        in.skipBytes(payload);
        return new Message.Extended(payload);
      default:
        throw new WireException("unknown message id " + id);
    }
  }

  private static void expect(int id, int payload, int size) {
    if (payload != size) throw new WireException("message " + id + " has " + payload + " payload bytes, expected " + size);
  }
}
