package herd.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import herd.swarm.Handshake;
import herd.swarm.Message;
import herd.swarm.WireDecoder;
import herd.swarm.WireEncoder;
import herd.swarm.WireException;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs bytes through a {@link WireDecoder} on an {@link EmbeddedChannel}, in chunks, then closes the channel, and
 * checks the outcome against a small model of the wire format (BEP 3):
 *
 * <ul>
 *   <li>the only exception is a {@link DecoderException} caused by a {@link WireException}, exactly when the model
 *       finds a malformed handshake or message (an oversized length is malformed as soon as its 4 bytes are in);
 *   <li>the decoded handshake and messages, encoded again with {@link WireEncoder}, are exactly the input up to the
 *       first malformed element, or up to the incomplete tail when there is none: nothing is dropped, invented or
 *       decoded past an error;
 *   <li>every buffer the decoder was given or allocated is released once the decoded blocks are.
 * </ul>
 */
final class Wire {
  static final int MAX_LENGTH = 1 << 16;
  static final int HANDSHAKE_LENGTH = 68;
  private static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);

  private Wire() {}

  /** A valid handshake: protocol string, 8 zero reserved bytes, info-hash, peer id. */
  static byte[] handshake() {
    byte[] h = new byte[HANDSHAKE_LENGTH];
    h[0] = (byte) PROTOCOL.length;
    System.arraycopy(PROTOCOL, 0, h, 1, PROTOCOL.length);
    Arrays.fill(h, 28, 48, (byte) 0x11);
    Arrays.fill(h, 48, 68, (byte) 0x22);
    return h;
  }

  static void check(byte[] wire, int chunk) {
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel ch = new EmbeddedChannel(new WireDecoder(MAX_LENGTH));
    ch.config().setAllocator(alloc);
    ByteBuf in = Unpooled.wrappedBuffer(wire);
    List<Object> decoded = new ArrayList<>();
    try {
      Throwable whileFed = feed(ch, in, wire.length, chunk, decoded);
      // Closing makes ByteToMessageDecoder decode what is left once more: that must add nothing after an error.
      Throwable atClose = null;
      try {
        ch.finish();
      } catch (Throwable t) {
        atClose = t;
      }
      drain(ch, decoded);
      assertWireException(whileFed);
      assertWireException(atClose);
      if (whileFed != null && atClose != null) {
        throw new AssertionError("the decoder went on after " + whileFed + " and failed again at close", atClose);
      }
      Throwable failure = whileFed != null ? whileFed : atClose;

      int malformed = malformedAt(wire);
      byte[] again = encode(decoded, wire);
      String got = "decoded " + decoded.size() + " objects (" + again.length + " bytes) of " + wire.length
          + ", failure " + failure;
      if (malformed >= 0) {
        assertTrue(failure != null, () -> "malformed at byte " + malformed + " was accepted; " + got);
        assertEquals(malformed, again.length, () -> "decoding stopped at the wrong place; " + got);
      } else {
        assertNull(failure, () -> "well-formed input refused; " + got);
        assertEquals(wellFormedEnd(wire), again.length, () -> "complete messages were not decoded; " + got);
      }
      assertArrayEquals(Arrays.copyOf(wire, again.length), again, () -> "decoded messages differ from the input; " + got);
    } finally {
      for (Object o : decoded) if (o instanceof Message.Piece p) p.data().release();
      ch.finishAndReleaseAll();
      in.release();
    }
    if (wire.length > 0) assertEquals(0, in.refCnt(), "the input buffer was not released"); // else EMPTY_BUFFER
    alloc.assertAllReleased();
  }

  private static void assertWireException(Throwable t) {
    if (t != null && !(t instanceof DecoderException && t.getCause() instanceof WireException)) {
      throw new AssertionError("the decoder threw something else than a DecoderException caused by a WireException", t);
    }
  }

  /** Writes {@code in} in chunks until the decoder fails; returns what it threw, if anything. */
  private static Throwable feed(EmbeddedChannel ch, ByteBuf in, int length, int chunk, List<Object> decoded) {
    for (int off = 0; off < length; off += chunk) {
      try {
        ch.writeInbound(in.retainedSlice(off, Math.min(chunk, length - off)));
      } catch (Throwable t) {
        drain(ch, decoded);
        return t;
      }
      drain(ch, decoded);
    }
    return null;
  }

  private static void drain(EmbeddedChannel ch, List<Object> decoded) {
    Object o;
    while ((o = ch.readInbound()) != null) {
      if (o instanceof Handshake) {
        assertTrue(decoded.isEmpty(), "handshake after other objects");
      } else {
        assertInstanceOf(Message.class, o);
        assertTrue(!decoded.isEmpty() && decoded.get(0) instanceof Handshake, "message before the handshake");
      }
      decoded.add(o);
    }
  }

  /**
   * The decoded objects written back with {@link WireEncoder}; a handshake gets the input's reserved bytes, and an
   * extension message (which herd skips, and never sends) the input's bytes where it stands.
   */
  private static byte[] encode(List<Object> decoded, byte[] wire) {
    EmbeddedChannel out = new EmbeddedChannel(new WireEncoder());
    ByteBuf all = Unpooled.buffer();
    for (Object o : decoded) {
      if (o instanceof Message.Extended e) {
        all.writeBytes(wire, all.readableBytes(), 5 + e.length());
        continue;
      }
      out.writeOutbound(o instanceof Message.Piece p ? new Message.Piece(p.piece(), p.begin(), p.data().retainedDuplicate()) : o);
      ByteBuf b;
      while ((b = out.readOutbound()) != null) {
        all.writeBytes(b);
        b.release();
      }
    }
    out.finishAndReleaseAll();
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    all.release();
    if (bytes.length >= HANDSHAKE_LENGTH && wire.length >= HANDSHAKE_LENGTH) System.arraycopy(wire, 20, bytes, 20, 8);
    return bytes;
  }

  /** Where the first malformed handshake or message starts, or -1 if there is none (an incomplete tail is not). */
  static int malformedAt(byte[] w) {
    if (w.length < HANDSHAKE_LENGTH) return -1;
    if (w[0] != PROTOCOL.length || !Arrays.equals(w, 1, 1 + PROTOCOL.length, PROTOCOL, 0, PROTOCOL.length)) return 0;
    int p = HANDSHAKE_LENGTH;
    while (w.length - p >= 4) {
      long length = uint(w, p);
      if (length > MAX_LENGTH) return p;
      if (w.length - p - 4 < length) return -1;
      if (length > 0 && !wellFormed(w[p + 4] & 0xff, (int) length - 1)) return p;
      p += 4 + (int) length;
    }
    return -1;
  }

  /** The end of the last complete message of input that has no malformed element. */
  private static int wellFormedEnd(byte[] w) {
    if (w.length < HANDSHAKE_LENGTH) return 0;
    int p = HANDSHAKE_LENGTH;
    while (w.length - p >= 4 && w.length - p - 4 >= uint(w, p)) p += 4 + (int) uint(w, p);
    return p;
  }

  private static boolean wellFormed(int id, int payload) {
    return switch (id) {
      case Message.CHOKE, Message.UNCHOKE, Message.INTERESTED, Message.NOT_INTERESTED -> payload == 0;
      case Message.HAVE -> payload == 4;
      case Message.BITFIELD -> true;
      case Message.REQUEST, Message.CANCEL -> payload == 12;
      case Message.PIECE -> payload >= 8;
      case Message.PORT -> payload == 2;
      case Message.EXTENDED -> true;
      default -> false;
    };
  }

  private static long uint(byte[] w, int p) {
    return (w[p] & 0xffL) << 24 | (w[p + 1] & 0xff) << 16 | (w[p + 2] & 0xff) << 8 | (w[p + 3] & 0xff);
  }

  /** Remembers every buffer it hands out, to find the ones never released. */
  private static final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> buffers = new ArrayList<>();

    TrackingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return track(Unpooled.buffer(initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return track(Unpooled.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    private ByteBuf track(ByteBuf b) {
      buffers.add(b);
      return b;
    }

    void assertAllReleased() {
      for (ByteBuf b : buffers) {
        if (b.refCnt() != 0) fail("the decoder leaked a buffer it allocated: " + b);
      }
    }
  }
}
