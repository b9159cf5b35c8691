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
    Placement placement = Placement.prepare(dir.resolve("app.bin").toString(), new Metainfo("app.bin", 16384, 0, new byte[0]), 0644);
    placement.create().close();
    // whatever the umask (022 here: a plain create would give rw-r--r--), nobody else may read the arriving bytes
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(placement.writing())));
    placement.commit();
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app.bin"))));
  }
}
