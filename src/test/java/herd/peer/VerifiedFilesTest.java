package herd.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedFilesTest {
  private static final byte[] DIGEST = {1, 2, 3, 4};

  @TempDir Path dir;
  private VerifiedFiles verified;
  private Path file;
  private FileTime mtime;

  @BeforeEach
  void setUp() throws Exception {
    verified = new VerifiedFiles(dir.resolve("memory"));
    file = Files.write(dir.resolve("app.bin"), new byte[] {'a', 'b', 'c', 'd'});
    mtime = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(file, mtime);
    verified.remember(file, DIGEST);
  }

  @Test
  void vouchesForAnUntouchedFileWithTheSameDigestOnly() {
    assertTrue(verified.vouchFor(file, DIGEST));
    assertFalse(verified.vouchFor(file, new byte[] {1, 2, 3, 5}));
    assertFalse(verified.vouchFor(dir.resolve("other.bin"), DIGEST));
  }

  @Test
  void aByteChangedInPlaceWithItsSizeAndModificationTimeRestoredIsNotMistakenForTheSameFile() throws Exception {
    Thread.sleep(20); // past the filesystem clock's tick
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(2);
      raf.write('X');
    }
    Files.setLastModifiedTime(file, mtime);
    assertFalse(verified.vouchFor(file, DIGEST));
  }

  @Test
  void aFileReplacedByAnotherOfTheSameSizeAndTimeIsNotMistakenForIt() throws Exception {
    Path other = Files.write(dir.resolve("other.bin"), new byte[] {'a', 'b', 'c', 'X'});
    Files.setLastModifiedTime(other, mtime);
    Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertFalse(verified.vouchFor(file, DIGEST));
  }

  @Test
  void aChangeOfPermissionsIsAChangeToo() throws Exception {
    Thread.sleep(20);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertFalse(verified.vouchFor(file, DIGEST));
  }

  @Test
  void theMemoryIsCreatedOwnerOnly() throws Exception {
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("memory"))));
  }

  @Test
  void aDamagedMemoryVouchesForNothing() throws Exception {
    try (var entries = Files.list(dir.resolve("memory"))) {
      for (Path e : entries.toList()) Files.writeString(e, "garbage");
    }
    assertFalse(verified.vouchFor(file, DIGEST));
    verified.remember(file, DIGEST);
    assertTrue(verified.vouchFor(file, DIGEST));
  }
}
