package herd.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.metainfo.FileEntry;
import herd.metainfo.Metainfo;
import herd.metainfo.Tree;
import herd.swarm.PieceStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreePlacementTest {
  @TempDir Path dir;
  private Path source;
  private Tree tree;
  private Metainfo meta;

  @BeforeEach
  void setUp() throws IOException {
    source = Files.createDirectories(dir.resolve("release"));
    Files.writeString(Files.createDirectories(source.resolve("bin")).resolve("run"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(source.resolve("bin/run"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.writeString(source.resolve("config"), "secret=1\n");
    Files.setPosixFilePermissions(source.resolve("config"), PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(source.resolve("current"), Path.of("bin/run"));
    Files.createDirectories(source.resolve("logs"));
    Files.setPosixFilePermissions(source.resolve("logs"), PosixFilePermissions.fromString("rwxrwx---"));
    tree = Tree.scan(source, Tree.DEFAULT_EXCLUDES);
    meta = PieceStore.hash(source, "release", tree.files()).metainfo();
  }

  /** What a peer does: stage, fetch (here, copy), sync, commit. */
  private void land(String dest, boolean force) throws IOException {
    TreePlacement landing = TreePlacement.prepare(dest, force, meta, tree.layout());
    try (PieceStore store = landing.create()) {
      for (FileEntry f : meta.files()) {
        if (f.symlink() != null) continue;
        String rel = String.join("/", f.path());
        Files.copy(source.resolve(rel), landing.writing().resolve(rel), StandardCopyOption.REPLACE_EXISTING);
      }
      store.sync();
    }
    landing.commit();
  }

  @Test
  void landsFilesLinksDirectoriesAndPermissionBitsWhole() throws IOException {
    Path dest = dir.resolve("srv/app");
    land(dest.toString(), false);
    assertEquals("#!/bin/sh\necho hi\n", Files.readString(dest.resolve("bin/run")));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("bin/run"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("config"))));
    assertEquals(Path.of("bin/run"), Files.readSymbolicLink(dest.resolve("current")));
    assertEquals("rwxrwx---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("logs"))));
    assertEquals(Files.getPosixFilePermissions(source), Files.getPosixFilePermissions(dest));
    assertEquals(List.of("app"), names(dest.getParent()), "staging left behind");
  }

  @Test
  void aDestThatIsNotEmptyIsRefusedWithoutForceAndReplacedWholeWithIt() throws IOException {
    Path dest = Files.createDirectories(dir.resolve("app"));
    Files.writeString(dest.resolve("old"), "old tree");
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> land(dest.toString(), false));
    assertEquals(dest + ": exists and is not empty (--force replaces it)", e.getMessage());
    assertEquals(List.of("old"), names(dest));

    // a failure mid-way: the old tree is untouched, the staging gone
    TreePlacement failed = TreePlacement.prepare(dest.toString(), true, meta, tree.layout());
    failed.create().close();
    failed.abandon();
    assertEquals(List.of("old"), names(dest));
    assertEquals(List.of("app", "release"), names(dir));

    land(dest.toString(), true);
    assertFalse(Files.exists(dest.resolve("old")));
    assertTrue(Files.exists(dest.resolve("bin/run")));
    assertEquals(List.of("app", "release"), names(dir), "the old tree or the staging left behind");
  }

  @Test
  void aKilledPeersStagingIsRemovedByTheNext() throws IOException {
    Path stale = Files.createDirectories(dir.resolve(".app.herd-0123456789ab.part/sub"));
    Files.writeString(stale.resolve("half"), "half a file");
    land(dir.resolve("app").toString(), false);
    assertEquals(List.of("app", "release"), names(dir));
  }

  @Test
  void anotherPeersStagingIsLeftAlone() throws IOException {
    TreePlacement first = TreePlacement.prepare(dir.resolve("app").toString(), false, meta, tree.layout());
    TreePlacement second = TreePlacement.prepare(dir.resolve("app").toString(), false, meta, tree.layout());
    assertTrue(Files.isDirectory(first.writing()), "a live peer's staging was removed");
    second.abandon();
    first.abandon();
    assertEquals(List.of("release"), names(dir));
  }

  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
