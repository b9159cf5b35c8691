package herd.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The controller against a fleet of 1,000 hosts ({@link FleetRun}, in a JVM of its own): every host done, and what
 * the push cost the controller stays bounded by {@code --parallel}, not the fleet's size. Each host's peer serves
 * on under the tracker's lease once its session is closed, and stops once the run is over.
 */
class FleetTest {
  /** {@code scripts/bench --cases scale --scale-hosts N} runs it larger. */
  private static final int HOSTS = Integer.getInteger("scale.hosts", 1000);
  private static final int PARALLEL = 64;

  @Test
  void aThousandHostsCostTheControllerThreadsAndDescriptorsBoundedByParallel() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process run = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FleetRun.class.getName(),
        Integer.toString(HOSTS), Integer.toString(PARALLEL)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(run.waitFor(Math.max(5, HOSTS / 200), TimeUnit.MINUTES), "the fleet's push did not end");
    String figures = out.lines().filter(l -> l.startsWith("hosts=")).findFirst().orElseThrow(() -> new AssertionError(out));
    System.out.println("fleet: " + figures);
    Map<String, String> f = new HashMap<>();
    for (String pair : List.of(figures.split(" "))) f.put(pair.split("=")[0], pair.split("=")[1]);
    assertEquals(HOSTS, Integer.parseInt(f.get("done")), figures);
    assertEquals("true", f.get("stopped"), "peers still serving 10 s after the run ended: " + figures);
    assertTrue(Long.parseLong(f.get("threads")) <= PARALLEL + 64, "live threads: " + figures);
    assertTrue(Long.parseLong(f.get("fds")) - Long.parseLong(f.get("baseFds")) <= PARALLEL + 64,
        "descriptors opened: " + figures);
    assertTrue(Long.parseLong(f.get("rssMiB")) <= 1024, "resident memory: " + figures);
  }
}
