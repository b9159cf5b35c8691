package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Murder's roles as herd's subcommands, each a process of the built executable on this machine: a tracker, a torrent
 * written for a directory, a seeder, and a host that gets the directory.
 */
class RolesIT {
  @TempDir Path dir;
  private Process tracker;
  private Process seeder;

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : new Process[] {seeder, tracker}) {
      if (p != null) {
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void trackerTorrentSeedAndGetShipADirectory() throws Exception {
    Path release = Files.createDirectories(dir.resolve("release"));
    Files.writeString(Files.createDirectories(release.resolve("bin")).resolve("app"), "#!/bin/sh\necho app\n");
    Files.setPosixFilePermissions(release.resolve("bin/app"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(release.resolve("current"), Path.of("bin/app"));
    byte[] data = new byte[3 * 1024 * 1024 + 5];
    new Random(9).nextBytes(data);
    Files.write(release.resolve("data.bin"), data);

    int trackerPort = freePort();
    Path trackerLog = dir.resolve("tracker.log");
    tracker = HerdProcess.start(List.of("tracker", "--bind", "127.0.0.1", "--port", String.valueOf(trackerPort)), trackerLog);
    awaitLine(tracker, trackerLog, "herd: tracker listening");

    Path torrent = dir.resolve("release.torrent");
    HerdProcess.Result made = HerdProcess.run(null, List.of("torrent", release.toString(), "--announce",
        "http://127.0.0.1:" + trackerPort + "/announce", "-o", torrent.toString()));
    assertEquals(0, made.status(), made.stderr());
    assertTrue(made.stderr().contains("release, 3 files"), made.stderr());

    Path seedLog = dir.resolve("seed.log");
    seeder = HerdProcess.start(List.of("seed", torrent.toString(), release.toString(), "--port", String.valueOf(freePort())), seedLog);
    awaitLine(seeder, seedLog, "herd: seeding release");

    Path out = dir.resolve("hosts/srv/release");
    HerdProcess.Result got = HerdProcess.run(null, List.of("get", torrent.toString(), out.toString(), "--seed-time", "0"));
    assertEquals(0, got.status(), got.stderr());
    assertTrue(got.stderr().contains(out + " is in place"), got.stderr());
    assertArrayEquals(data, Files.readAllBytes(out.resolve("data.bin")));
    assertEquals("#!/bin/sh\necho app\n", Files.readString(out.resolve("bin/app")));
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/app"))));
    assertEquals(Path.of("bin/app"), Files.readSymbolicLink(out.resolve("current")));

    HerdProcess.Result again = HerdProcess.run(null, List.of("get", torrent.toString(), out.toString(), "--seed-time", "0"));
    assertEquals(1, again.status(), again.stderr());
    assertTrue(again.stderr().contains("exists and is not empty (--force replaces it)"), again.stderr());
    HerdProcess.Result forced = HerdProcess.run(null, List.of("get", torrent.toString(), out.toString(), "--seed-time", "0", "--force"));
    assertEquals(0, forced.status(), forced.stderr());
  }

  private static void awaitLine(Process p, Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains(text)) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, "no \"" + text + "\": " + Files.readString(log));
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
