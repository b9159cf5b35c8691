package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributor's mode on the lab: {@code herd serve} on the controller, eight hosts pulling one file from it with
 * {@code herd get} at once and swarming it among themselves. Needs root: run with -Plab.
 */
class GetLabIT {
  private static final int HOSTS = 8;
  private static final int SIZE = 48 * 1024 * 1024 + 999;
  private static Lab lab;
  @TempDir static Path dir;
  private static Process serve;
  private static Path serveLog;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(HOSTS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (serve != null) {
      serve.destroy();
      serve.waitFor(10, TimeUnit.SECONDS);
    }
    if (lab != null) lab.close();
  }

  @Test
  void eightHostsGetOneFileFromServeAndTheServeHostSendsLittleMoreThanOneCopy() throws Exception {
    Path root = Files.createDirectories(dir.resolve("releases"));
    Payload payload = Payload.random(Files.createDirectories(root.resolve("app")), "app-1.0.bin", SIZE, 5);
    Files.setLastModifiedTime(payload.path(), FileTime.fromMillis(System.currentTimeMillis() - 10_000));
    serveLog = dir.resolve("serve.log");
    serve = HerdProcess.start(List.of("serve", root.toString(), "--bind", Lab.CONTROLLER, "--port", "18080",
        "--peer-port", "16881", "--cache", dir.resolve("cache").toString()), serveLog);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(serveLog).contains("herd: serving")) {
      assertTrue(serve.isAlive() && System.nanoTime() < deadline, "herd serve did not start: " + Files.readString(serveLog));
      Thread.sleep(100);
    }

    // a build may live where hosts do not see it (their /tmp, /var/tmp, /root and /srv are their own): each gets a copy
    for (int i = 1; i <= HOSTS; i++) {
      Files.copy(HerdProcess.executable(), Lab.DIR.resolve("h" + i + "/srv/herd"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    String herd = "/srv/herd";
    String url = "http://" + Lab.CONTROLLER + ":18080/serve_last_updated?app";
    long sentBefore = Lab.controllerSentBytes();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(HOSTS);
    List<Future<String>> gets = new ArrayList<>();
    for (String h : lab.hosts()) {
      gets.add(pool.submit(() -> lab.ssh(h, herd + " get --seed-time 5 '" + url + "' /srv/get/ 2>&1; echo status=$?")));
    }
    for (int i = 0; i < HOSTS; i++) {
      String out = gets.get(i).get(5, TimeUnit.MINUTES);
      assertTrue(out.contains("status=0"), lab.hosts().get(i) + ": " + out);
      assertTrue(out.contains("/srv/get/app-1.0.bin is in place"), out);
    }
    pool.shutdown();
    long sent = Lab.controllerSentBytes() - sentBefore;
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    for (String h : lab.hosts()) {
      assertEquals(payload.sha256(), lab.ssh(h, "sha256sum /srv/get/app-1.0.bin").split(" ")[0], h);
      assertEquals("", lab.ssh(h, "ls -a /srv/get | grep -F .part || true").trim(), "temporary file left on " + h);
    }
    double copies = (double) sent / SIZE;
    System.out.printf("GetLabIT: %d hosts got %d bytes in %d ms (5 s of seeding included); the serve host sent %d bytes: "
        + "%.2f copies of the file%n", HOSTS, SIZE, millis, sent, copies);
    assertTrue(copies < 1.25, "the serve host sent " + String.format("%.2f", copies) + " copies to " + HOSTS + " hosts");
  }
}
