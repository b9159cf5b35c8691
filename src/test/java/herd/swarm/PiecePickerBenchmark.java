package herd.swarm;

import herd.MicroBenchmark;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@link PiecePicker}'s share of each block one connection fetches, midway through a download of 4096 pieces of
 * 256 KiB: about a quarter of them verified, and each of the other {@link SwarmOptions#CONNECTIONS} - 1 connections (a
 * random half of the pieces each) with a full pipeline in flight, the second halves of 16 pieces it started: with the
 * measured connection's 8, 472 partial pieces, which every {@link PiecePicker#next} walks. The connection measured has
 * every piece or a random half ({@link #peerHas}), which is how many pieces each start of a new one scans for the
 * rarest.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PiecePickerBenchmark extends MicroBenchmark {
  private static final int PIECES = 4096;
  private static final int BLOCKS_PER_PIECE = 16;
  /** {@link SwarmOptions#defaults}'s pipeline: a constant, for {@link OperationsPerInvocation}. */
  private static final int PIPELINE = 128;
  /** Blocks asked for at a time: a quarter of a full pipeline, as {@link Peer#fill} asks once that much is free. */
  private static final int BATCH = PIPELINE / 4;

  @Param({"all", "half"})
  public String peerHas;

  private final Object peer = new Object();
  private final Set<Block> outstanding = new LinkedHashSet<>();
  /** The blocks in flight, oldest first: the order the peer sends them in. */
  private final Queue<Block> inFlight = new ArrayDeque<>();
  private PiecePicker picker;
  private BitSet has;

  @Setup
  public void setUp() {
    if (SwarmOptions.defaults().pipeline() != PIPELINE) throw new IllegalStateException("the default pipeline changed");
    Random random = new Random(1);
    picker = new PiecePicker(PIECES, i -> BLOCKS_PER_PIECE * Block.SIZE, new Random(2));
    for (int i = 0; i < PIECES; i++) if (random.nextInt(4) == 0) picker.verified(i);
    for (int c = 1; c < SwarmOptions.CONNECTIONS; c++) {
      BitSet otherHas = randomHalf(random);
      picker.addAvailability(otherHas);
      for (Block b : picker.next(new Object(), otherHas, 2 * PIPELINE, Set.of())) {
        if (b.index() < BLOCKS_PER_PIECE / 2) picker.received(b);
      }
    }
    has = randomHalf(random);
    if (peerHas.equals("all")) has.set(0, PIECES);
    picker.addAvailability(has);
    ask(PIPELINE);
  }

  /**
   * A quarter of the pipeline arrives, each block as {@link Peer#receivedBlock} and {@link Torrent#blockReceived}
   * hand it to the picker, and as many are asked for again. A completed piece is failed rather than verified, which
   * puts it back among the unstarted ones: the picker stays in the same state for the whole run, where verifying would
   * finish the download within milliseconds. Per block.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void receiveAndAskAgain(Blackhole bh) {
    for (int i = 0; i < BATCH; i++) {
      Block b = inFlight.remove();
      outstanding.remove(b);
      if (!picker.wanted(b)) throw new IllegalStateException(b + " was asked for and is not wanted");
      bh.consume(picker.endgame());
      if (picker.received(b)) picker.failed(b.piece());
    }
    ask(BATCH);
  }

  /** Whether a peer with {@link #peerHas} has something we lack: asked on each of its haves and each piece we verify. */
  @Benchmark
  public boolean interesting() {
    return picker.interesting(has);
  }

  private void ask(int max) {
    List<Block> blocks = picker.next(peer, has, max, outstanding);
    if (blocks.size() != max) throw new IllegalStateException("asked for " + max + " blocks, got " + blocks.size());
    outstanding.addAll(blocks);
    inFlight.addAll(blocks);
  }

  private static BitSet randomHalf(Random random) {
    BitSet half = new BitSet(PIECES);
    for (int i = 0; i < PIECES; i++) if (random.nextBoolean()) half.set(i);
    return half;
  }
}
