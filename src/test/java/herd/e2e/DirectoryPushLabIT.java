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

/** herd push DIR on the lab: a whole tree, as Murder ships one, landing whole or not at all. Needs root: -Plab. */
class DirectoryPushLabIT {
  private static Lab lab;
  @TempDir static Path dir;
  private static Path tree;
  private static String bigSha256;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(4);
    tree = Files.createDirectories(dir.resolve("release"));
    Path bin = Files.createDirectories(tree.resolve("bin"));
    Files.writeString(bin.resolve("run"), "#!/bin/sh\necho release\n");
    Files.setPosixFilePermissions(bin.resolve("run"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(tree.resolve("current"), Path.of("bin/run"));
    Files.createDirectories(tree.resolve("var/logs"));
    Files.writeString(Files.createDirectories(tree.resolve(".git")).resolve("HEAD"), "ref: refs/heads/main\n");
    bigSha256 = Payload.random(Files.createDirectories(tree.resolve("lib/deep")), "big.bin", 24 * 1024 * 1024 + 77, 3).sha256();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  private static List<String> args(String dest, String... more) {
    List<String> a = new ArrayList<>(lab.sshArgs());
    a.add(tree.toString());
    a.add(dest);
    a.add("--hostlist");
    a.add(String.join(",", lab.hosts()));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void aTreeLandsWithItsModesLinksAndEmptyDirectoriesAtDestSlashTagAndWithoutGit() throws Exception {
    HerdProcess.Result r = HerdProcess.run(null, args("/srv/app", "--tag", "v1"));
    assertEquals(0, r.status(), r.stderr());
    assertTrue(r.stderr().contains("4 of 4 hosts have /srv/app/v1"), r.stderr());
    for (String h : lab.hosts()) {
      String v1 = "/srv/app/v1";
      assertEquals(bigSha256, lab.ssh(h, "sha256sum " + v1 + "/lib/deep/big.bin").split(" ")[0], h);
      assertEquals("750 #!/bin/sh", lab.ssh(h, "stat -c %a " + v1 + "/bin/run; head -1 " + v1 + "/bin/run").trim().replace('\n', ' '), h);
      assertEquals("bin/run", lab.ssh(h, "readlink " + v1 + "/current").trim(), h);
      assertEquals("", lab.ssh(h, "ls -A " + v1 + "/var/logs").trim(), h);
      assertEquals("bin current lib var", lab.ssh(h, "ls -A " + v1).trim().replace('\n', ' '), h + ": .git or staging left");
      assertEquals("v1", lab.ssh(h, "ls -A /srv/app").trim(), h + ": staging left beside the tree");
      assertEquals(0, lab.peersLeft(h), "peer still running on " + h);
    }
  }

  @Test
  void aDestThatIsNotEmptyIsRefusedOnEveryHostUnlessForced() throws Exception {
    for (String h : lab.hosts()) lab.ssh(h, "mkdir -p /srv/refuse && echo old > /srv/refuse/old");
    HerdProcess.Result refused = HerdProcess.run(null, args("/srv/refuse"));
    assertEquals(1, refused.status(), refused.stderr());
    assertTrue(refused.stderr().contains("/srv/refuse: exists and is not empty (--force replaces it)"), refused.stderr());
    for (String h : lab.hosts()) assertEquals("old", lab.ssh(h, "cat /srv/refuse/old").trim(), h);

    HerdProcess.Result forced = HerdProcess.run(null, args("/srv/refuse", "--force"));
    assertEquals(0, forced.status(), forced.stderr());
    for (String h : lab.hosts()) {
      assertEquals("bin current lib var", lab.ssh(h, "ls -A /srv/refuse").trim().replace('\n', ' '), h);
      assertEquals("", lab.ssh(h, "ls -A /srv | grep -F .refuse.herd- || true").trim(), h + ": the old tree or the staging left");
    }
  }

  @Test
  void aHostThatFailsMidWayKeepsItsOldTreeWhole() throws Exception {
    String slow = lab.hosts().get(3);
    for (String h : lab.hosts()) lab.ssh(h, "mkdir -p /srv/midway && echo old > /srv/midway/old");
    lab.limitDownload(slow, "8mbit");
    try {
      HerdProcess.Result r = HerdProcess.run(null, args("/srv/midway", "--force", "--timeout", "10"));
      assertEquals(1, r.status(), r.stderr());
      assertTrue(r.stderr().contains("3 of 4 hosts have /srv/midway"), r.stderr());
    } finally {
      lab.limitDownload(slow, null);
    }
    for (String h : lab.hosts().subList(0, 3)) assertEquals(bigSha256, lab.ssh(h, "sha256sum /srv/midway/lib/deep/big.bin").split(" ")[0]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!lab.ssh(slow, "ls -A /srv").contains("midway") || lab.ssh(slow, "ls -A /srv").contains(".midway.herd-")) {
      assertTrue(System.nanoTime() < deadline, "staging left on " + slow + ": " + lab.ssh(slow, "ls -A /srv"));
      Thread.sleep(200);
    }
    assertEquals("old", lab.ssh(slow, "ls -A /srv/midway").trim(), "the old tree is not whole on " + slow);
    assertEquals("old", lab.ssh(slow, "cat /srv/midway/old").trim());
  }
}
