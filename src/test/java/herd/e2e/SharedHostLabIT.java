package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host shared with another local user (here {@code nobody}, acting through {@code setpriv}): what herd writes is
 * not readable by them while it arrives, and nothing they wrote is run by herd. Needs root: run with -Plab.
 */
class SharedHostLabIT {
  private static final String AS_NOBODY = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  private static Lab lab;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(2);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  private static List<String> args(Path source, String dest, String... more) {
    List<String> a = new ArrayList<>(lab.sshArgs());
    a.addAll(List.of(more));
    a.add(source.toString());
    a.add(dest);
    a.add("--hostlist");
    a.add(String.join(",", lab.hosts()));
    return a;
  }

  @Test
  void anotherUserCannotReadAnOwnerOnlyFileWhileItArrives() throws Exception {
    Payload secret = Payload.random(dir, "secret.bin", 8 * 1024 * 1024, 3);
    Files.setPosixFilePermissions(secret.path(), PosixFilePermissions.fromString("rw-------"));
    String h = lab.hosts().get(1);
    lab.ssh(h, "mkdir -p -m 755 /srv/shared");
    lab.limitDownload(h, "8mbit");
    try {
      Path err = dir.resolve("secret.err");
      Process herd = HerdProcess.start(args(secret.path(), "/srv/shared/secret.bin"), err);
      String part = awaitPartFile(h, "/srv/shared");
      assertEquals("600", lab.ssh(h, "stat -c %a " + part).trim(), "mode of " + part + " while it arrives");
      String read = lab.ssh(h, AS_NOBODY + "head -c 1 " + part + " 2>&1 >/dev/null || true");
      assertTrue(read.contains("Permission denied"), "nobody read " + part + ": " + read);
      assertTrue(herd.waitFor(3, TimeUnit.MINUTES), "herd did not finish");
      assertEquals(0, herd.exitValue(), Files.readString(err));
      assertEquals(secret.sha256(), lab.ssh(h, "sha256sum /srv/shared/secret.bin").split(" ")[0]);
      assertEquals("600", lab.ssh(h, "stat -c %a /srv/shared/secret.bin").trim());
    } finally {
      lab.limitDownload(h, null);
    }
  }

  @Test
  void aJarPlantedInACacheDirectoryAnotherUserOwnsIsNeverRun() throws Exception {
    Payload small = Payload.random(dir, "small.bin", 1024, 4);
    String cache = "/tmp/herd-shared-cache";
    HerdProcess.Result first = HerdProcess.run(null, args(small.path(), "/srv/first/", "--remote-path", cache));
    assertEquals(0, first.status(), first.stderr());
    // the other user takes the directory over (as if they had made it before root's first push) and swaps the jar
    // for one of the same name and size
    for (String h : lab.hosts()) {
      lab.ssh(h, "chown -R 65534:65534 " + cache + " && chmod 755 " + cache
          + " && cd " + cache + " && for j in herd-peer-*.jar; do " + AS_NOBODY
          + "sh -c 'head -c $(wc -c < \"$1\") /dev/zero > \"$1.x\" && mv -f \"$1.x\" \"$1\"' planter \"$j\"; done");
    }
    String planted = lab.ssh(lab.hosts().get(0), "sha256sum " + cache + "/herd-peer-*.jar");
    HerdProcess.Result r = HerdProcess.run(null, args(small.path(), "/srv/second/", "--remote-path", cache));
    assertEquals(1, r.status(), r.stderr());
    for (String h : lab.hosts()) {
      assertTrue(r.stderr().contains("  " + h + ": refusing the peer program cache " + cache + ": " + cache
          + " is owned by uid 65534, neither root nor root"), r.stderr());
      assertEquals("", lab.ssh(h, "ls -A /srv/second 2>/dev/null || true").trim(), "something was placed on " + h);
      assertEquals(0, lab.peersLeft(h), "peer running on " + h);
    }
    assertEquals(planted, lab.ssh(lab.hosts().get(0), "sha256sum " + cache + "/herd-peer-*.jar"));
  }

  /** The path of the temporary file that appears in {@code dirPath} on {@code h}. */
  private static String awaitPartFile(String h, String dirPath) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String found = lab.ssh(h, "find " + dirPath + " -name '*.part' 2>/dev/null || true").trim();
      if (!found.isEmpty()) return found.lines().findFirst().orElseThrow();
      Thread.sleep(100);
    }
    throw new AssertionError("the transfer to " + h + " never started");
  }
}
