package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/bench's measuring half, on a case's files as the script leaves them: herd's events, the others' times. */
class BenchReportTest {
  private static final long START = 1_780_000_000_000_000L; // epoch microseconds
  @TempDir Path dir;

  private void run(String name, long startUs, long wallUs, String extra) throws Exception {
    Files.writeString(dir.resolve(name + ".run"), "start_us=" + startUs + "\nwall_us=" + wallUs
        + "\nrx_bytes=" + 2 * 1048576 * 64 + "\nctl_bytes=" + 1048576 * 64 + "\n" + extra);
  }

  private static String at(long startUs, double seconds) {
    return Instant.EPOCH.plusNanos((startUs + (long) (seconds * 1e6)) * 1000).toString();
  }

  @Test
  void tablesRowsAndPlotComeFromHerdsEventsAndTheOthersTimes() throws Exception {
    run("scp-to-one", START, 10_000_000, "");
    Files.writeString(dir.resolve("scp-to-one.done"), (START + 10_000_000) + "\n");
    long herdStart = START + 60_000_000;
    run("herd", herdStart, 12_500_000, "cpu_s=3.5\nrss_mb=80\n");
    Files.writeString(dir.resolve("herd.jsonl"), String.join("\n",
        "{\"time\":\"" + at(herdStart, 0.4) + "\",\"event\":\"run_started\",\"file\":\"f\",\"dest\":\"/srv/bench/f\",\"bytes\":67108864,\"pieces\":128,\"hosts\":2,\"dry_run\":false}",
        "{\"time\":\"" + at(herdStart, 1.5) + "\",\"event\":\"first_piece\",\"host\":\"10.77.0.12\"}",
        "{\"time\":\"" + at(herdStart, 2.25) + "\",\"event\":\"first_piece\",\"host\":\"10.77.0.11\"}",
        "{\"time\":\"" + at(herdStart, 12.0) + "\",\"event\":\"host_done\",\"host\":\"10.77.0.11\",\"path\":\"/srv/bench/f\"}",
        "{\"time\":\"" + at(herdStart, 11.0) + "\",\"event\":\"host_done\",\"host\":\"10.77.0.12\",\"path\":\"/srv/bench/f\"}",
        "{\"time\":\"" + at(herdStart, 12.3) + "\",\"event\":\"run_finished\",\"dest\":\"/srv/bench/f\",\"hosts\":2,\"done\":2,\"failed\":0,\"failures\":[],\"sent\":1,\"seconds\":11.9}",
        ""));
    long ariaStart = START + 120_000_000;
    run("aria2c", ariaStart, 25_000_000, "cpu_s=1.0\nrss_mb=20\npiece_kib=256\n");
    Files.writeString(dir.resolve("aria2c.done"), (ariaStart + 20_000_000) + "\n" + (ariaStart + 25_000_000) + "\n");

    BenchReport.Case c = new BenchReport.Case("shaped-small", 2, 64, "100mbit");
    List<BenchReport.Run> runs = List.of(BenchReport.read(dir, "scp-to-one", 2), BenchReport.read(dir, "herd", 2),
        BenchReport.read(dir, "aria2c", 2));
    Path png = dir.resolve("shaped-small.png");
    String table = BenchReport.table(c, runs, dir, png);

    assertTrue(table.startsWith("### shaped-small: 2 hosts, 64 MiB, 100mbit\n\nT_min = max(F/u_s, F/d_min, N·F/(u_s + N·u)) = 10.00 s,"), table);
    assertTrue(table.contains("u_s = u = d_min = 6.7 MB/s (54 Mbit/s) from scp-to-one"), table);
    assertTrue(table.contains("| herd | 12.50 | 1.25 | 0.50 | 11.00 / 11.50 / 12.00 | 3.5 | 80 |\n"), table);
    assertTrue(table.contains("| aria2c | 25.00 | 2.50 | 1.00 | 20.00 / 22.50 / 25.00 | 1.0 | 20 |\n"), table);
    assertTrue(table.contains("| scp-to-one | 10.00 | 1.00 | 0.40 | 10.00 / 10.00 / 10.00 | — | — |\n"), table);
    assertTrue(table.contains("herd: from start-up to the first piece at every host: 2.25 s."), table);
    assertTrue(table.contains("aria2c piece size: 256 KiB; herd: 128 pieces."), table);
    assertTrue(table.contains("herd 128.0 to hosts, 64.0 from the controller (50%)"), table);

    assertEquals(String.join("\n",
        "shaped-small,scp-to-one,2,64,10.00,1.00,10.00,10.00,10.00,,,6.71",
        "shaped-small,herd,2,64,12.50,1.25,11.00,11.50,12.00,3.5,80,10.74",
        "shaped-small,aria2c,2,64,25.00,2.50,20.00,22.50,25.00,1.0,20,5.37", ""), BenchReport.csv(c, runs));

    CompletionPlot.write(png, BenchReport.title(c), 2, runs, BenchReport.tmin(runs));
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(CompletionPlot.WIDTH, image.getWidth());
    assertEquals(CompletionPlot.HEIGHT, image.getHeight());
    for (int i = 0; i < runs.size(); i++) {
      assertTrue(pixels(image, CompletionPlot.colour(runs.get(i).name(), i).getRGB()) > 100, runs.get(i).name() + "'s line is drawn");
    }
    assertTrue(pixels(image, 0xff000000) > 200, "axes and text are drawn");
  }

  @Test
  void aFailedRunIsNoBaselineAndCountsOnlyItsDoneHosts() throws Exception {
    run("aria2c", START, 25_000_000, "note=timed out after 25 s\n");
    Files.writeString(dir.resolve("aria2c.done"), (START + 20_000_000) + "\n");
    run("herd", START, 12_500_000, "");
    Files.writeString(dir.resolve("herd.jsonl"), "");
    BenchReport.Case c = new BenchReport.Case("unshaped", 2, 64, "");
    List<BenchReport.Run> runs = List.of(BenchReport.read(dir, "aria2c", 2), BenchReport.read(dir, "herd", 2));
    String table = BenchReport.table(c, runs, dir, dir.resolve("unshaped.png"));
    assertTrue(table.contains("| aria2c (timed out after 25 s, 1 of 2 hosts done) | 25.00 | — | — | 20.00 / 20.00 / 20.00 | — | — | 2.68 |"), table);
    assertTrue(table.contains("| herd (0 of 2 hosts done) | 12.50 | — | — | — | — | — | 0.00 |"), table);
  }

  @Test
  void herdsFailuresAndMissingHostsAreNoted() throws Exception {
    run("herd", START, 5_000_000, "note=exit status 1\n");
    Files.writeString(dir.resolve("herd.jsonl"),
        "{\"time\":\"" + at(START, 3) + "\",\"event\":\"host_done\",\"host\":\"a\",\"path\":\"/p\"}\n"
            + "{\"time\":\"" + at(START, 4) + "\",\"event\":\"run_finished\",\"dest\":\"/p\",\"hosts\":2,\"done\":1,\"failed\":1,"
            + "\"failures\":[{\"host\":\"b\",\"kind\":\"auth_failed\",\"reason\":\"no key\"}],\"sent\":1,\"seconds\":4.0}\n");
    BenchReport.Run herd = BenchReport.read(dir, "herd", 2);
    assertEquals("exit status 1, b: auth_failed, 1 of 2 hosts done", herd.note());
    assertEquals(List.of(3.0), herd.hostSeconds());
    assertEquals(null, herd.firstPieceEverywhere());
  }

  private static int pixels(BufferedImage image, int argb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == argb) n++;
      }
    }
    return n;
  }
}
