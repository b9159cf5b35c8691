package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.Herd;
import herd.hosts.HostList;
import herd.push.PortRange;
import herd.push.PushRequest;
import herd.push.PushResult;
import herd.remote.SshOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many hosts at once, and many pushes in a row. Needs root: run with -Plab. */
class ScaleLabIT {
  private static final int HOSTS = 48;
  private static Lab lab;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(HOSTS);
    // The first push of a herd build leaves each host's peer a last job as it exits: writing its class-data archive
    // and a JVM checking it, about a CPU-second per host, one time. 48 hosts on this machine's 2 cores take tens of
    // seconds for it. Done here, so that the tests below time what every later push does.
    Path warm = Files.write(dir.resolve("warm.bin"), new byte[1024]);
    List<String> cmd = new ArrayList<>(List.of(HerdProcess.executable().toString(), "--parallel", "16"));
    cmd.addAll(lab.sshArgs());
    cmd.addAll(List.of(warm.toString(), "/srv/warm.bin", lab.hostsFile().toString()));
    Process herd = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(herd.getInputStream().readAllBytes());
    assertEquals(0, herd.waitFor(), out);
    long start = System.nanoTime();
    for (String h : lab.hosts()) {
      assertEquals(0, lab.peersLeft(h, Duration.ofMinutes(3)), h);
      assertEquals("1", lab.ssh(h, "ls /root/.cache/herd | grep -c 'jsa$'").trim(), h);
    }
    System.out.printf("scale: the first push's archives were written %.1f s after herd ended%n", (System.nanoTime() - start) / 1e9);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  @Test
  void fortyEightHostsWithFewerParallelSessionsAndBoundedMemory() throws Exception {
    byte[] data = new byte[4 * 1024 * 1024 + 1];
    new Random(48).nextBytes(data);
    Path source = Files.write(dir.resolve("small.bin"), data);
    Path maxRss = dir.resolve("rss");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", maxRss.toString(),
        HerdProcess.executable().toString(), "--parallel", "16"));
    cmd.addAll(lab.sshArgs());
    cmd.addAll(List.of(source.toString(), "/srv/scale/small.bin", lab.hostsFile().toString()));
    Process herd = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(herd.getInputStream().readAllBytes());
    assertEquals(0, herd.waitFor(), out);
    assertTrue(out.contains(HOSTS + " of " + HOSTS + " hosts have"), out);
    long rssKb = Long.parseLong(Files.readString(maxRss).trim().lines().reduce((a, b) -> b).orElseThrow());
    assertTrue(rssKb < 768 * 1024, "the controller peaked at " + rssKb / 1024 + " MB for " + HOSTS + " hosts");
    for (String h : lab.hosts()) {
      assertEquals(String.valueOf(data.length), lab.ssh(h, "stat -c %s /srv/scale/small.bin").trim(), h);
      assertEquals(0, lab.peersLeft(h), h);
    }
  }

  @Test
  void twentyPushesInARowLeaveNoDescriptorsThreadsOrMemoryBehind() throws Exception {
    byte[] data = new byte[1024 * 1024];
    new Random(20).nextBytes(data);
    Path source = Files.write(dir.resolve("soak.bin"), data);
    SshOptions ssh = SshOptions.defaults().withDefaultUser("root")
        .withIdentities(List.of(Lab.DIR.resolve("id_ed25519"))).withKnownHosts(Lab.DIR.resolve("known_hosts"));
    PushRequest request = new PushRequest(source, "/srv/soak/soak.bin",
        HostList.parseList(String.join(",", lab.hosts().subList(0, 4))), ssh, 4, 0, PortRange.ANY, null, false,
        PushRequest.DEFAULT_REMOTE_PATH, Duration.ofMinutes(2), true, false, List.of(), List.of(), false, 0, false, herd.push.Attributes.NONE);

    long[] start = null;
    long[] end = null;
    for (int i = 0; i < 20; i++) {
      PushResult result = Herd.push(request, event -> {});
      assertTrue(result.allDone(), "push " + i + ": " + result.failed());
      if (i == 0) start = usage();
      end = usage();
    }
    assertTrue(end[0] <= start[0] + 4, "file descriptors: " + start[0] + " after the first push, " + end[0] + " after 20");
    assertTrue(end[1] <= start[1] + 2, "threads: " + start[1] + " after the first push, " + end[1] + " after 20");
    assertTrue(end[2] <= start[2] + 32 * 1024 * 1024, "heap: " + start[2] + " bytes after the first push, " + end[2] + " after 20");
  }

  /** Open descriptors, live threads and used heap after a GC, once the pushes' own threads have wound down. */
  private static long[] usage() throws Exception {
    Thread.sleep(1500);
    System.gc();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      return new long[] {fds.count(), ManagementFactory.getThreadMXBean().getThreadCount(), heap};
    }
  }
}
