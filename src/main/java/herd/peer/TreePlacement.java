package herd.peer;

import herd.metainfo.FileEntry;
import herd.metainfo.FileMode;
import herd.metainfo.Layout;
import herd.metainfo.Metainfo;
import herd.swarm.PieceStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a directory's content is written and how it lands: in a hidden staging directory next to the target, only
 * its owner's until it is complete, verified and on disk; then links, directories and permission bits are put in
 * place and it is renamed to the target. A target that exists is refused unless it is empty or the push says
 * {@code --force}; then the old tree is renamed aside, the new one renamed in, and the old one removed, so that the
 * target is always one whole tree (for the moment between the two renames, none). A peer holds a lock on a file
 * beside the staging directory ({@code .NAME.herd-RANDOM.lock}) until it is done, so that what a killed peer left (its
 * staging directory, or an old tree it was deleting) is recognised and removed by the next.
 */
final class TreePlacement implements Landing {
  private static final System.Logger LOG = System.getLogger(TreePlacement.class.getName());
  private static final String STAGE_SUFFIX = ".part";
  private static final String OLD_SUFFIX = ".old";
  private static final String LOCK_SUFFIX = ".lock";

  private final Path target;
  private final Path stage;
  private final Path lockFile;
  private final FileChannel lock;
  private final Metainfo meta;
  private final Layout layout;

  private TreePlacement(Path target, Path stage, Path lockFile, FileChannel lock, Metainfo meta, Layout layout) {
    this.target = target;
    this.stage = stage;
    this.lockFile = lockFile;
    this.lock = lock;
    this.meta = meta;
    this.layout = layout;
  }

  /** DEST, if the tree may go there: an absolute path, not /, and (unless {@code force}) absent or an empty directory. */
  static Path target(String dest, boolean force) throws IOException {
    Path target = Path.of(dest);
    if (!target.isAbsolute()) throw new IOException("destination " + dest + " is not absolute");
    if (target.getParent() == null) throw new IOException("cannot replace /");
    if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(dest, null, "exists and is not a directory (--force replaces it)");
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
        if (entries.iterator().hasNext()) {
          throw new FileAlreadyExistsException(dest, null, "exists and is not empty (--force replaces it)");
        }
      }
    }
    return target;
  }

  /**
   * Checks {@code dest} (absolute; an existing non-empty directory or any other file only with {@code force}), creates
   * missing parents, removes killed peers' staging directories, and creates and locks a fresh one, for the multi-file
   * torrent {@code meta} to land laid out as {@code layout} says.
   */
  static TreePlacement prepare(String dest, boolean force, Metainfo meta, Layout layout) throws IOException {
    if (layout.fileModes().size() != meta.files().stream().filter(f -> f.symlink() == null).count()) {
      throw new IOException("the layout does not match the torrent's files");
    }
    Path target = target(dest, force);
    Path dir = Landing.createParents(target);
    String prefix = Landing.prefix(target);
    removeAbandoned(dir, prefix);
    String base = prefix + Landing.randomTag();
    Path lockFile = dir.resolve(base + LOCK_SUFFIX);
    FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      if (lock.tryLock() == null) throw new IOException("cannot lock " + lockFile);
      Path stage = dir.resolve(base + STAGE_SUFFIX);
      Files.createDirectory(stage, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return new TreePlacement(target, stage, lockFile, lock, meta, layout);
    } catch (IOException | RuntimeException e) {
      lock.close();
      Files.deleteIfExists(lockFile);
      throw e;
    }
  }

  /** Removes the staging directories, old trees and lock files of earlier peers for this target that nobody holds. */
  private static void removeAbandoned(Path dir, String prefix) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, f -> {
      String n = f.getFileName().toString();
      return n.startsWith(prefix) && (n.endsWith(STAGE_SUFFIX) || n.endsWith(OLD_SUFFIX) || n.endsWith(LOCK_SUFFIX));
    })) {
      for (Path stale : entries) {
        String n = stale.getFileName().toString();
        if (held(dir.resolve(n.substring(0, n.lastIndexOf('.')) + LOCK_SUFFIX))) continue; // another peer's, at work
        if (Files.isDirectory(stale, LinkOption.NOFOLLOW_LINKS)) {
          deleteTree(stale);
          LOG.log(System.Logger.Level.INFO, "removed " + stale + ", left by a peer that was killed");
        } else {
          Files.deleteIfExists(stale);
        }
      }
    }
  }

  /** Whether some peer holds the lock on {@code lockFile}. */
  private static boolean held(Path lockFile) throws IOException {
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      return ch.tryLock() == null;
    } catch (NoSuchFileException e) {
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // this very process
    }
  }

  @Override
  public Path target() {
    return target;
  }

  @Override
  public Path writing() {
    return stage;
  }

  @Override
  public PieceStore create() throws IOException {
    return PieceStore.create(stage, meta);
  }

  /**
   * Completes the staged tree, whose files are written, verified and synced: creates its links and directories, gives
   * everything its permission bits, syncs the directories, and renames it to the target, replacing what was there.
   */
  @Override
  public void commit() throws IOException {
    for (Layout.Dir d : layout.dirs()) Files.createDirectories(stage.resolve(String.join("/", d.path())));
    int file = 0;
    for (FileEntry f : meta.files()) {
      Path p = stage.resolve(String.join("/", f.path()));
      if (f.symlink() != null) {
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(String.join("/", f.symlink())));
      } else {
        Files.setPosixFilePermissions(p, FileMode.toPermissions(layout.fileModes().get(file++)));
      }
    }
    // deepest first, so that a directory without write permission is set once nothing more goes into it
    List<Layout.Dir> dirs = new ArrayList<>(layout.dirs());
    dirs.sort(Comparator.comparingInt((Layout.Dir d) -> d.path().size()).reversed());
    for (Layout.Dir d : dirs) {
      Path p = stage.resolve(String.join("/", d.path()));
      Landing.syncDirectory(p);
      Files.setPosixFilePermissions(p, FileMode.toPermissions(d.mode()));
    }
    Landing.syncDirectory(stage);
    Files.setPosixFilePermissions(stage, FileMode.toPermissions(layout.rootMode()));
    Path old = null;
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      old = stage.resolveSibling(stage.getFileName().toString().replace(STAGE_SUFFIX, OLD_SUFFIX));
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (old != null) Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      throw e;
    }
    Landing.syncDirectory(target.getParent());
    if (old != null) deleteTree(old);
    unlock();
  }

  private void unlock() throws IOException {
    Files.deleteIfExists(lockFile);
    lock.close();
  }

  /** Removes the staging directory, if any. */
  @Override
  public void abandon() {
    try {
      if (Files.exists(stage, LinkOption.NOFOLLOW_LINKS)) deleteTree(stage);
      unlock();
    } catch (IOException e) {
      // best effort: the next peer for this target removes it
    }
  }

  /** Deletes a tree without following links; directories without write permission are opened up first. */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) throw e;
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
