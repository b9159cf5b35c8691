package herd.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import herd.metainfo.Metainfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementTest {
  @TempDir Path dir;

  @Test
  void theTemporaryFileIsOwnerOnlyWhileItIsWrittenAndGetsItsModeAtTheRename() throws Exception {
    Placement placement = Placement.prepare(dir.resolve("app.bin").toString(), new Metainfo("app.bin", 16384, 0, new byte[0]), 0644, -1, null);
    placement.create().close();
    // whatever the umask (022 here: a plain create would give rw-r--r--), nobody else may read the arriving bytes
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(placement.writing())));
    placement.commit();
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app.bin"))));
  }

  @Test
  void theFileGetsTheTimeAskedForAtTheRenameAndSoDoesATargetThatAlreadyHeldTheContent() throws Exception {
    Metainfo empty = new Metainfo("app.bin", 16384, 0, new byte[0]);
    long mtime = 1_700_000_000_000L;
    Placement placement = Placement.prepare(dir.resolve("app.bin").toString(), empty, 0600, mtime, null);
    placement.create().close();
    placement.commit();
    assertEquals(mtime, Files.getLastModifiedTime(dir.resolve("app.bin")).toMillis());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app.bin"))));

    Placement again = Placement.prepare(dir.resolve("app.bin").toString(), empty, 0640, mtime + 1000, null);
    again.keep();
    assertEquals(mtime + 1000, Files.getLastModifiedTime(dir.resolve("app.bin")).toMillis());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app.bin"))));
  }

  @Test
  void anOwnerUnknownOnTheHostFailsBeforeAnythingIsWritten() {
    Metainfo empty = new Metainfo("app.bin", 16384, 0, new byte[0]);
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> Placement.prepare(dir.resolve("srv/app.bin").toString(), empty, 0644, -1, "no-such-user-here:root"));
    assertEquals("no user or group no-such-user-here on this host", e.getMessage());
    org.junit.jupiter.api.Assertions.assertFalse(Files.exists(dir.resolve("srv")));
  }
}
