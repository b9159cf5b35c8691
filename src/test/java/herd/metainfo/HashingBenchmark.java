package herd.metainfo;

import herd.MicroBenchmark;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Both digests of one piece, as a peer verifies it and the controller hashes a file: {@link Hashing#piece}, SHA-1
 * and SHA-256 of one read, here from memory so that neither the disk nor the page cache counts. Pieces of 256 KiB
 * and of 1 MiB, what {@link Hashing#pieceLengthFor} gives files of a few hundred MiB and of about a GiB. Each
 * operation is one byte hashed, so the scores, in operations a microsecond, are MB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HashingBenchmark extends MicroBenchmark {
  private static final int PIECE_256_KIB = 256 * 1024;
  private static final int PIECE_1_MIB = 1024 * 1024;

  private final byte[] content = new byte[PIECE_1_MIB];
  private final Hashing.Source source = (dst, position) -> {
    int n = Math.min(dst.remaining(), content.length - (int) position);
    dst.put(content, (int) position, n);
    return n;
  };

  @Setup
  public void setUp() {
    new Random(1).nextBytes(content);
  }

  @Benchmark
  @OperationsPerInvocation(PIECE_256_KIB)
  public Hashing.PieceDigests piece256KiB() {
    return Hashing.piece(source, 0, PIECE_256_KIB);
  }

  @Benchmark
  @OperationsPerInvocation(PIECE_1_MIB)
  public Hashing.PieceDigests piece1MiB() {
    return Hashing.piece(source, 0, PIECE_1_MIB);
  }
}
