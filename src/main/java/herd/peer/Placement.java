package herd.peer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the content is written and how it lands: in a hidden temporary file next to the target, renamed over the
 * target only once complete, verified and on disk.
 */
final class Placement {
  private final Path target;
  private final Path temp;

  private Placement(Path target, Path temp) {
    this.target = target;
    this.temp = temp;
  }

  /**
   * Resolves {@code dest} and creates missing parents. An existing directory, or a path ending in {@code /},
   * means: inside that directory, as {@code name}.
   */
  static Placement prepare(String dest, String name) throws IOException {
    Path path = Path.of(dest);
    if (!path.isAbsolute()) throw new IOException("destination " + dest + " is not absolute");
    Path target = Files.isDirectory(path) || dest.endsWith("/") ? path.resolve(name) : path;
    Path dir = target.getParent();
    Files.createDirectories(dir);
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    Path temp = dir.resolve("." + target.getFileName() + ".herd-" + HexFormat.of().formatHex(random) + ".part");
    return new Placement(target, temp);
  }

  Path temp() {
    return temp;
  }

  Path target() {
    return target;
  }

  /** Makes the complete, synced temporary file the target, atomically, and syncs the directory entry. */
  void commit(int mode) throws IOException {
    Files.setPosixFilePermissions(temp, FileMode.toPermissions(mode));
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** The target already holds the content: only its permission bits are brought in line. */
  void keep(int mode) throws IOException {
    if (!Files.getPosixFilePermissions(target).equals(FileMode.toPermissions(mode))) {
      Files.setPosixFilePermissions(target, FileMode.toPermissions(mode));
    }
  }

  /** Removes the temporary file, if any. */
  void abandon() {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // best effort: nothing else can be done about it here
    }
  }
}
