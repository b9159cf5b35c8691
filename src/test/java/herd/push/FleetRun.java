package herd.push;

import herd.hosts.HostList;
import herd.remote.SshOptions;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A push to a {@link Fleet} of N hosts in a JVM of its own (so that its memory and descriptors are the push's
 * alone), sampling the controller's live threads (those not the fleet's), the process's open descriptors and its
 * resident memory every 20 ms. Prints one line of {@code key=value} figures for {@link FleetTest}.
 *
 * <p>Usage: {@code FleetRun HOSTS PARALLEL}
 */
public final class FleetRun {
  private FleetRun() {}

  public static void main(String[] args) throws Exception {
    int hosts = Integer.parseInt(args[0]);
    int parallel = Integer.parseInt(args[1]);
    Path file = Files.createTempFile("herd-fleet", ".bin");
    byte[] data = new byte[4 << 20];
    new Random(1).nextBytes(data);
    Files.write(file, data);
    AtomicLong threads = new AtomicLong();
    AtomicLong fds = new AtomicLong();
    AtomicLong rss = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("fleet-sampler", true));
    sampler.scheduleAtFixedRate(() -> {
      threads.accumulateAndGet(controllerThreads(), Math::max);
      fds.accumulateAndGet(openDescriptors(), Math::max);
      rss.accumulateAndGet(residentKiB(), Math::max);
    }, 0, 20, TimeUnit.MILLISECONDS);
    long baseThreads = controllerThreads();
    long baseFds = openDescriptors();
    String names = IntStream.rangeClosed(1, hosts).mapToObj(i -> "h" + i).collect(Collectors.joining(","));
    PushRequest request = new PushRequest(file, "/srv/app.bin", HostList.parseList(names), SshOptions.defaults(),
        parallel, 0, PortRange.ANY, null, false, PushRequest.DEFAULT_REMOTE_PATH, Duration.ZERO, true, false, List.of(),
        List.of(), false, 0, false, Attributes.NONE);
    request.validate();
    Fleet fleet = new Fleet(hosts);
    long start = System.nanoTime();
    PushResult result = Push.run(request, event -> {}, fleet, new byte[] {1});
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean stopped = fleet.awaitStopped(Duration.ofSeconds(10));
    sampler.shutdown();
    sampler.awaitTermination(1, TimeUnit.SECONDS);
    System.out.printf("hosts=%d parallel=%d done=%d seconds=%.1f announces=%d stopped=%b threads=%d baseThreads=%d"
            + " fds=%d baseFds=%d rssMiB=%d%n",
        hosts, parallel, result.hosts().stream().filter(HostOutcome::done).count(), seconds, fleet.announces.get(),
        stopped, threads.get(), baseThreads, fds.get(), baseFds, rss.get() / 1024);
    Files.delete(file);
    System.exit(0);
  }

  /** Live threads, but for the fleet's own ({@code fleet-*}). */
  private static long controllerThreads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds(), 0))
        .filter(t -> t != null && !t.getThreadName().startsWith("fleet-"))
        .count();
  }

  private static long openDescriptors() {
    String[] open = Path.of("/proc/self/fd").toFile().list();
    return open == null ? -1 : open.length;
  }

  private static long residentKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (java.io.IOException e) {
      return -1;
    }
    return -1;
  }
}
