package herd;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark (scripts/jmh) once, for a moment, in this JVM: one whose set-up or invocation throws, or
 * that was renamed or removed, fails here rather than the next time someone measures. Asserts nothing of speed.
 */
class BenchmarksTest {
  private static final Set<String> EXPECTED = Set.of(
      "herd.metainfo.HashingBenchmark.piece1MiB",
      "herd.metainfo.HashingBenchmark.piece256KiB",
      "herd.swarm.PiecePickerBenchmark.interesting",
      "herd.swarm.PiecePickerBenchmark.receiveAndAskAgain",
      "herd.swarm.WireCodecBenchmark.decodeHave",
      "herd.swarm.WireCodecBenchmark.decodePiece",
      "herd.swarm.WireCodecBenchmark.decodeRequest",
      "herd.swarm.WireCodecBenchmark.encodeHave",
      "herd.swarm.WireCodecBenchmark.encodePiece",
      "herd.swarm.WireCodecBenchmark.encodeRequest");

  @Test
  void everyBenchmarkRunsAndScores() throws RunnerException {
    // JMH's lock keeps two measurements from sharing the machine; this one measures nothing, and a build must not
    // fail because someone is running scripts/jmh meanwhile. Read once, when Runner is first used.
    System.setProperty("jmh.ignoreLock", "true");
    Options options = new OptionsBuilder()
        .include("^herd\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .shouldFailOnError(true)
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    assertEquals(EXPECTED, results.stream().map(r -> r.getParams().getBenchmark()).collect(toSet()));
    for (RunResult r : results) {
      assertTrue(r.getPrimaryResult().getScore() > 0, () -> r.getParams().id() + " scored " + r.getPrimaryResult());
    }
  }
}
