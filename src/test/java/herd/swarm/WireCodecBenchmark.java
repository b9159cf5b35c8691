package herd.swarm;

import herd.MicroBenchmark;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The wire codec alone, one message at a time: {@link WireDecoder#decode} (past the handshake, with no channel
 * context, which it does not use) and {@link WireEncoder#write}, on heap buffers, the kind herd's
 * {@link HeapAllocator} gives. A piece message with a block of 16 KiB carries most of the bytes; have and request
 * messages are most of the messages: a request for every block, a have to every connection for every piece. The
 * buffers are wrapped arrays, which Netty's leak detector never samples, so that no run gets its slower buffers by
 * chance.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireCodecBenchmark extends MicroBenchmark {
  private static final int PIECE_MESSAGE = 4 + 9 + Block.SIZE;

  private final WireDecoder decoder = new WireDecoder(Swarm.MAX_MESSAGE);
  private final List<Object> decoded = new ArrayList<>();
  private final ByteBuf block = Unpooled.wrappedBuffer(new byte[Block.SIZE]);
  private final ByteBuf out = buffer(PIECE_MESSAGE);
  private ByteBuf pieceWire;
  private ByteBuf haveWire;
  private ByteBuf requestWire;

  @Setup
  public void setUp() {
    ByteBuf handshake = buffer(Handshake.LENGTH);
    new Handshake(new byte[20], new byte[20]).writeTo(handshake);
    decoder.decode(null, handshake, decoded);
    decoded.clear();
    handshake.release();
    pieceWire = encoded(new Message.Piece(7, 0, block.retainedDuplicate()));
    haveWire = encoded(new Message.Have(7));
    requestWire = encoded(new Message.Request(7, 0, Block.SIZE));
  }

  @TearDown
  public void tearDown() {
    for (ByteBuf b : List.of(block, out, pieceWire, haveWire, requestWire)) b.release();
  }

  /** A block comes out as a slice of the bytes read, not a copy; it is released as {@link PeerChannel} does. */
  @Benchmark
  public Object decodePiece() {
    Message.Piece p = (Message.Piece) decode(pieceWire);
    p.data().release();
    return p;
  }

  @Benchmark
  public Object decodeHave() {
    return decode(haveWire);
  }

  @Benchmark
  public Object decodeRequest() {
    return decode(requestWire);
  }

  /** The header and a copy of the block: the path of a {@link Message.Piece}, which releases the block it is given. */
  @Benchmark
  public ByteBuf encodePiece() {
    return encode(new Message.Piece(7, 0, block.retainedDuplicate()));
  }

  @Benchmark
  public ByteBuf encodeHave() {
    return encode(new Message.Have(7));
  }

  @Benchmark
  public ByteBuf encodeRequest() {
    return encode(new Message.Request(7, 0, Block.SIZE));
  }

  private Object decode(ByteBuf wire) {
    wire.readerIndex(0);
    decoder.decode(null, wire, decoded);
    return decoded.remove(0);
  }

  private ByteBuf encode(Message m) {
    out.clear();
    WireEncoder.write(m, out);
    return out;
  }

  private static ByteBuf encoded(Message m) {
    ByteBuf b = buffer(PIECE_MESSAGE);
    WireEncoder.write(m, b);
    return b;
  }

  /** An empty buffer of {@code capacity} bytes over an array. */
  private static ByteBuf buffer(int capacity) {
    return Unpooled.wrappedBuffer(new byte[capacity]).clear();
  }
}
