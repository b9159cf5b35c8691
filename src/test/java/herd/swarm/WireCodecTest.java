package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  private static final byte[] HASH = filled(20, 7);
  private static final byte[] ID = filled(20, 9);

  @Test
  void roundTripsHandshakeAndEveryMessage() {
    EmbeddedChannel out = new EmbeddedChannel(new WireEncoder());
    EmbeddedChannel in = new EmbeddedChannel(new WireDecoder(1 << 16));
    List<Object> sent = List.of(new Handshake(HASH, ID), new Message.KeepAlive(), new Message.Choke(), new Message.Unchoke(),
        new Message.Interested(), new Message.NotInterested(), new Message.Have(5), new Message.Bitfield(new byte[] {(byte) 0xa0}),
        new Message.Request(1, 16384, 16384), new Message.Cancel(2, 0, 100), new Message.Port(6881),
        new Message.Piece(3, 32, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    for (Object m : sent) out.writeOutbound(m);
    ByteBuf wire;
    while ((wire = out.readOutbound()) != null) in.writeInbound(wire);

    Handshake h = in.readInbound();
    assertArrayEquals(HASH, h.infoHash());
    assertArrayEquals(ID, h.peerId());
    for (Object expected : sent.subList(1, sent.size() - 2)) {
      Object got = in.readInbound();
      if (expected instanceof Message.Bitfield b) {
        assertArrayEquals(b.bits(), ((Message.Bitfield) got).bits());
      } else {
        assertEquals(expected, got);
      }
    }
    assertEquals(new Message.Port(6881), in.readInbound());
    Message.Piece p = in.readInbound();
    assertEquals(3, p.piece());
    assertEquals(32, p.begin());
    assertEquals(3, p.data().readableBytes());
    p.data().release();
  }

  @Test
  void decodesMessagesSplitAcrossReads() {
    EmbeddedChannel in = new EmbeddedChannel(new WireDecoder(1 << 16));
    ByteBuf all = Unpooled.buffer();
    new Handshake(HASH, ID).writeTo(all);
    all.writeInt(5).writeByte(Message.HAVE).writeInt(42);
    while (all.isReadable()) in.writeInbound(all.readRetainedSlice(Math.min(3, all.readableBytes())));
    all.release();
    assertInstanceOf(Handshake.class, in.readInbound());
    assertEquals(new Message.Have(42), in.readInbound());
  }

  @Test
  void oversizedLengthIsRefusedBeforeBuffering() {
    assertRefused(b -> b.writeInt(1 << 20).writeByte(Message.PIECE));
  }

  @Test
  void anExtensionMessageIsSkippedAndTheNextOneDecoded() {
    EmbeddedChannel in = new EmbeddedChannel(new WireDecoder(1024));
    ByteBuf b = Unpooled.buffer();
    new Handshake(new byte[20], new byte[20]).writeTo(b);
    b.writeInt(6).writeByte(Message.EXTENDED).writeByte(0).writeBytes("d1:ei0ee".getBytes(), 0, 4);
    b.writeInt(5).writeByte(Message.HAVE).writeInt(7);
    in.writeInbound(b);
    assertInstanceOf(Handshake.class, in.readInbound());
    assertEquals(new Message.Extended(5), in.readInbound());
    assertEquals(new Message.Have(7), in.readInbound());
  }

  @Test
  void unknownMessageIdIsRefused() {
    assertRefused(b -> b.writeInt(1).writeByte(21));
  }

  @Test
  void wrongPayloadSizeIsRefused() {
    assertRefused(b -> b.writeInt(4).writeByte(Message.HAVE).writeShort(1).writeByte(0));
  }

  @Test
  void somethingOtherThanAHandshakeIsRefused() {
    EmbeddedChannel in = new EmbeddedChannel(new WireDecoder(1 << 16));
    ByteBuf junk = Unpooled.buffer().writeBytes("GET /announce HTTP/1.1\r\nHost: x\r\n\r\n........................................".getBytes());
    assertThrows(DecoderException.class, () -> in.writeInbound(junk));
  }

  private static void assertRefused(java.util.function.Consumer<ByteBuf> message) {
    EmbeddedChannel in = new EmbeddedChannel(new WireDecoder(1 << 16));
    ByteBuf b = Unpooled.buffer();
    new Handshake(HASH, ID).writeTo(b);
    message.accept(b);
    DecoderException e = assertThrows(DecoderException.class, () -> in.writeInbound(b));
    assertInstanceOf(WireException.class, e.getCause());
    assertFalse(in.inboundMessages().stream().anyMatch(m -> m instanceof Message));
  }

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }
}
