package herd.peer;

import herd.swarm.PieceStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where a peer's content is written and how it lands: one file ({@link Placement}) or a directory
 * ({@link TreePlacement}), written aside and moved into place whole, or not at all.
 */
interface Landing {
  /** Where the content is written while it arrives. */
  Path writing();

  /** Where it lands. */
  Path target();

  /** Creates the content's files, empty, to be filled in. */
  PieceStore create() throws IOException;

  /** Makes the complete, verified and synced content the target. */
  void commit() throws IOException;

  /** Removes whatever was written; the target stays as it was. */
  void abandon();

  /** Syncs a directory's entries: a rename or a new file in it survives a crash once this returns. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Creates {@code target}'s missing parents and returns its directory. */
  static Path createParents(Path target) throws IOException {
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      // the JDK reports the ancestor that is not a directory as merely existing; mkdir said ENOTDIR
      throw new FileSystemException(e.getFile(), null, "Not a directory");
    }
    return dir;
  }

  /** How the names of what is written beside {@code target} start: {@code .NAME.herd-}, then {@link #randomTag}. */
  static String prefix(Path target) {
    return "." + target.getFileName() + ".herd-";
  }

  /** Twelve random hex digits, to tell one peer's names from another's. */
  static String randomTag() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
