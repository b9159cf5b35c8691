package herd.swarm;

import io.netty.buffer.ByteBuf;

/** The BitTorrent v1 peer wire messages (BEP 3) that herd speaks. */
public sealed interface Message {
  int CHOKE = 0, UNCHOKE = 1, INTERESTED = 2, NOT_INTERESTED = 3, HAVE = 4, BITFIELD = 5, REQUEST = 6,
      PIECE = 7, CANCEL = 8, PORT = 9, EXTENDED = 20;

  /** Length prefix of zero. */
  record KeepAlive() implements Message {}

  record Choke() implements Message {}

  record Unchoke() implements Message {}

  record Interested() implements Message {}

  record NotInterested() implements Message {}

  record Have(int piece) implements Message {}

  /** Raw bitfield bytes, high bit first; spare bits must be zero. */
  record Bitfield(byte[] bits) implements Message {}

  record Request(int piece, int begin, int length) implements Message {}

  /** A block; {@code data} is owned by whoever holds the message and must be released. */
  record Piece(int piece, int begin, ByteBuf data) implements Message {}

  record Cancel(int piece, int begin, int length) implements Message {}

  /** DHT port (BEP 5); herd has no DHT and ignores it. */
  record Port(int port) implements Message {}

  /**
   * An extension protocol message (BEP 10). herd does not set the extension bit in its handshake, so it should get
   * none; some clients (the bt library) send their extension handshake regardless, and herd skips its {@code length}
   * payload bytes.
   */
  record Extended(int length) implements Message {}
}
