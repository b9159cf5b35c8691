package herd;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How herd's JMH benchmarks run unless JMH's options say otherwise (scripts/jmh): in one fork, 3 warm-up and 5
 * measured iterations of a second each. The fork's heap is of a fixed size and touched whole before the run: on a
 * VM, the first touch of each page of a fresh heap made the benchmarks that allocate up to 50 times slower, until
 * the young generation had been filled once.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class MicroBenchmark {}
