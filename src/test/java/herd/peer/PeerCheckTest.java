package herd.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.Hashing;
import herd.metainfo.Tree;
import herd.swarm.PieceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dry run on a host ({@link PeerRun#check}): what it finds, and that it writes nothing. */
class PeerCheckTest {
  @TempDir Path dir;

  private final List<String> failures = new ArrayList<>();
  private final Report report = new Report() {
    @Override
    public void present(long bytes) {
      throw new AssertionError("a check reports no progress");
    }

    @Override
    public void progress(long bytes) {
      throw new AssertionError("a check reports no progress");
    }

    @Override
    public void done(Path target) {
      throw new AssertionError("a check places nothing");
    }

    @Override
    public void fail(String reason) {
      failures.add(reason);
    }
  };

  private Path source() throws Exception {
    byte[] data = new byte[300_000];
    new Random(3).nextBytes(data);
    return Files.write(dir.resolve("app.bin"), data);
  }

  private Report.Check check(Hashing.Hashed hashed, String dest, boolean force) {
    PeerConfig config = new PeerConfig(hashed.metainfo().encodeInfo(), "", dest, 0644, hashed.contentDigest(), null,
        null, null, false, null, null, force, 0, -1, null);
    return new PeerRun(config, report).check();
  }

  @Test
  void aFileToADirectoryThatDoesNotExistYetIsCheckedAtItsNearestAncestorAndNothingIsCreated() throws Exception {
    Path source = source();
    Hashing.Hashed hashed = Hashing.hashFile(source);
    Report.Check c = check(hashed, dir + "/srv/app/", false);
    assertEquals(List.of(), failures);
    assertEquals(dir + "/srv/app/app.bin", c.target());
    assertEquals(Files.size(source), c.needed());
    assertTrue(c.free() > 0 && c.writable() && !c.present(), c.toString());
    assertEquals(Runtime.version().toString(), c.java());
    assertEquals(System.getProperty("user.name"), c.user());
    assertNull(c.problem());
    assertFalse(Files.exists(dir.resolve("srv")), "the check created the destination's directory");
  }

  @Test
  void aDestinationWithThisContentIsPresentAndOneWithOtherContentIsNot() throws Exception {
    Path source = source();
    Hashing.Hashed hashed = Hashing.hashFile(source);
    Path dest = Files.createDirectories(dir.resolve("srv")).resolve("app.bin");
    Files.copy(source, dest);
    assertTrue(check(hashed, dest.toString(), false).present());
    byte[] changed = Files.readAllBytes(source);
    changed[1000] ^= 1;
    Files.write(dest, changed);
    assertFalse(check(hashed, dest.toString(), false).present());
    try (Stream<Path> left = Files.list(dest.getParent())) {
      assertEquals(List.of(dest), left.toList(), "the check left a file beside the destination");
    }
  }

  @Test
  void aTreeOverANonEmptyDirectoryWithoutForceIsReportedAsAPushWouldFail() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("build"));
    Files.writeString(tree.resolve("a.txt"), "a");
    Hashing.Hashed hashed = PieceStore.hash(tree, "build", Tree.scan(tree, Tree.DEFAULT_EXCLUDES).files());
    Path dest = Files.createDirectories(dir.resolve("srv/v1"));
    Files.writeString(dest.resolve("old.txt"), "old");
    assertNull(check(hashed, dest.toString(), false));
    assertEquals(1, failures.size());
    assertTrue(failures.get(0).contains("exists and is not empty (--force replaces it)"), failures.get(0));
    Report.Check forced = check(hashed, dest.toString(), true);
    assertEquals(dest.toString(), forced.target());
    assertTrue(forced.writable(), forced.toString());
  }

  @Test
  void anAncestorThatIsAFileIsReported() throws Exception {
    Path source = source();
    Files.writeString(dir.resolve("srv"), "a file");
    assertNull(check(Hashing.hashFile(source), dir + "/srv/app/app.bin", false));
    assertTrue(failures.get(0).contains("Not a directory"), failures.toString());
  }

  @Test
  void aCheckTravelsAsOneLineAndSaysWhyAPushWouldFail() {
    Report.Check c = new Report.Check("17.0.13+11", "deploy", 10 << 20, 30 << 20, true, false, "/srv/my app/app.bin");
    assertEquals(c, Report.Check.decode(c.encode()));
    assertEquals("10.0 MiB free beside /srv/my app/app.bin, 30.0 MiB needed", c.problem());
    assertNull(new Report.Check("17", "deploy", 10 << 20, 30 << 20, true, true, "/srv/a").problem(),
        "content in place needs no space");
    assertEquals("deploy cannot write beside /srv/a", new Report.Check("17", "deploy", 1, 0, false, false, "/srv/a").problem());
  }
}
