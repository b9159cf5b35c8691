package herd.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import herd.metainfo.Metainfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every host-side failure names the path and the OS's reason, not the path alone. */
class IoFailuresTest {
  private static final Metainfo APP = new Metainfo("app.bin", 16384, 0, new byte[0]);

  @TempDir Path dir;

  @Test
  void accessDeniedNamesPermissionDenied() {
    // EACCES: the JDK's AccessDeniedException has no reason, and its message is only the path
    Path temp = Path.of("/srv/ro/.app.bin.herd-1a2b.part");
    assertEquals("cannot create the temporary file: /srv/ro/.app.bin.herd-1a2b.part: Permission denied",
        IoFailures.describe("cannot create the temporary file", temp, new AccessDeniedException(temp.toString())));
  }

  @Test
  void reasonFromTheOsIsKept() {
    Path temp = Path.of("/srv/ro/.x.part");
    assertEquals("cannot create the temporary file: /srv/ro/.x.part: Read-only file system",
        IoFailures.describe("cannot create the temporary file", temp,
            new FileSystemException(temp.toString(), null, "Read-only file system")));
  }

  @Test
  void aPlainWriteFailureGetsThePathItHappenedOn() {
    Path temp = Path.of("/srv/small/.x.part");
    assertEquals("cannot write the temporary file: /srv/small/.x.part: No space left on device",
        IoFailures.describe("cannot write the temporary file", temp,
            new UncheckedIOException(new IOException("No space left on device"))));
  }

  @Test
  void aParentThatIsARegularFileIsNotADirectory() throws IOException {
    Path regular = Files.writeString(dir.resolve("regfile"), "x");
    // the JDK says only that the regular file exists
    String dest = regular + "/sub";
    IOException e = assertThrows(IOException.class, () -> Placement.prepare(dest, APP, 0644, -1, null));
    assertEquals("cannot prepare " + dest + ": " + regular + ": Not a directory",
        IoFailures.describe("cannot prepare " + dest, Path.of(dest), e));
    // one level deeper the OS itself says it
    String deeper = regular + "/sub/app.bin";
    e = assertThrows(IOException.class, () -> Placement.prepare(deeper, APP, 0644, -1, null));
    assertEquals("cannot prepare " + deeper + ": " + regular + "/sub: Not a directory",
        IoFailures.describe("cannot prepare " + deeper, Path.of(deeper), e));
  }

  @Test
  void renameNamesBothFiles() {
    assertEquals("cannot move the file into place: /a/.x.part -> /a/x: Permission denied",
        IoFailures.describe("cannot move the file into place", Path.of("/a/.x.part"),
            new AccessDeniedException("/a/.x.part", "/a/x", null)));
  }
}
