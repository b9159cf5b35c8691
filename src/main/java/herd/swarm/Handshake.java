package herd.swarm;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The 68-byte opening of every connection: protocol string, reserved bits, info-hash, peer id. */
public record Handshake(byte[] infoHash, byte[] peerId) {
  static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
  static final int LENGTH = 1 + PROTOCOL.length + 8 + 20 + 20;

  void writeTo(ByteBuf out) {
    out.writeByte(PROTOCOL.length);
    out.writeBytes(PROTOCOL);
    out.writeZero(8);
    out.writeBytes(infoHash);
    out.writeBytes(peerId);
  }

  /** Reads a whole handshake from {@code in}, which must hold {@link #LENGTH} readable bytes. */
  static Handshake readFrom(ByteBuf in) {
    int len = in.readUnsignedByte();
    byte[] protocol = new byte[PROTOCOL.length];
    if (len != PROTOCOL.length) throw new WireException("not a BitTorrent handshake");
    in.readBytes(protocol);
    if (!java.util.Arrays.equals(protocol, PROTOCOL)) throw new WireException("not a BitTorrent handshake");
    in.skipBytes(8);
    byte[] infoHash = new byte[20];
    byte[] peerId = new byte[20];
    in.readBytes(infoHash);
    in.readBytes(peerId);
    return new Handshake(infoHash, peerId);
  }
}
