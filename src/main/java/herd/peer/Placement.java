package herd.peer;

import herd.metainfo.FileMode;
import herd.metainfo.Metainfo;
import herd.swarm.PieceStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where the content is written and how it lands: in a hidden temporary file next to the target, renamed over the
 * target only once complete, verified and on disk. While a peer writes its temporary file it holds a lock on it, so
 * that the temporary file of a peer that was killed (no lock) is recognised and removed by the next one.
 */
final class Placement implements Landing {
  private static final System.Logger LOG = System.getLogger(Placement.class.getName());
  private static final String TEMP_SUFFIX = ".part";
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

  private final Path target;
  private final Path temp;
  private final Metainfo meta;
  private final int mode;
  private FileChannel lock;

  private Placement(Path target, Path temp, Metainfo meta, int mode) {
    this.target = target;
    this.temp = temp;
    this.meta = meta;
    this.mode = mode;
  }

  /**
   * Resolves {@code dest} for the single-file torrent {@code meta}, to land with permission bits {@code mode}, and
   * creates missing parents. An existing directory, or a path ending in {@code /}, means: inside that directory, under
   * the torrent's name.
   */
  static Placement prepare(String dest, Metainfo meta, int mode) throws IOException {
    Path target = target(dest, meta);
    Path dir = Landing.createParents(target);
    String prefix = Landing.prefix(target);
    removeAbandoned(dir, prefix);
    return new Placement(target, dir.resolve(prefix + Landing.randomTag() + TEMP_SUFFIX), meta, mode);
  }

  /** Where the file goes: DEST, or inside it under the file's own name when DEST is a directory or ends in /. */
  static Path target(String dest, Metainfo meta) throws IOException {
    Path path = Path.of(dest);
    if (!path.isAbsolute()) throw new IOException("destination " + dest + " is not absolute");
    return Files.isDirectory(path) || dest.endsWith("/") ? path.resolve(meta.name()) : path;
  }

  /**
   * Creates the temporary file, readable and writable by its owner alone whatever the umask (it gets its final mode
   * just before the rename, as rsync does: another local user must not read the content while it arrives), and locks
   * it for as long as this peer runs.
   */
  private void lockTemp() throws IOException {
    lock = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY);
    if (lock.tryLock() == null) throw new IOException("cannot lock " + temp);
  }

  /** Removes temporary files of earlier peers for the same target that nobody holds a lock on any more. */
  private static void removeAbandoned(Path dir, String prefix) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> {
      String n = f.getFileName().toString();
      return n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX);
    })) {
      for (Path f : files) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          if (ch.tryLock() == null) continue; // another peer is writing it
          Files.delete(f);
          LOG.log(System.Logger.Level.INFO, "removed " + f + ", left by a peer that was killed");
        } catch (OverlappingFileLockException e) {
          // held by this very process
        }
      }
    }
  }

  private void unlock() throws IOException {
    if (lock != null) lock.close();
  }

  @Override
  public Path writing() {
    return temp;
  }

  @Override
  public Path target() {
    return target;
  }

  @Override
  public PieceStore create() throws IOException {
    lockTemp();
    return PieceStore.create(temp, meta);
  }

  /** Makes the complete, synced temporary file the target, atomically, and syncs the directory entry. */
  @Override
  public void commit() throws IOException {
    Files.setPosixFilePermissions(temp, FileMode.toPermissions(mode));
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Landing.syncDirectory(target.getParent());
    unlock();
  }

  /** The target already holds the content: only its permission bits are brought in line. */
  void keep() throws IOException {
    if (!Files.getPosixFilePermissions(target).equals(FileMode.toPermissions(mode))) {
      Files.setPosixFilePermissions(target, FileMode.toPermissions(mode));
    }
  }

  /** Removes the temporary file, if any. */
  @Override
  public void abandon() {
    try {
      Files.deleteIfExists(temp);
      unlock();
    } catch (IOException ignored) {
      // best effort: the next peer for this target removes it
    }
  }
}
