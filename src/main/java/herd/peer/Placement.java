package herd.peer;

import herd.metainfo.FileMode;
import herd.metainfo.Metainfo;
import herd.swarm.PieceStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
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
  /** The modification time to give the file, in milliseconds since the epoch, or -1. */
  private final long mtime;
  /** The owner and group to give the file; both null to keep an existing target's where this user may. */
  private final UserPrincipal owner;
  private final GroupPrincipal group;
  private FileChannel lock;

  private Placement(Path target, Path temp, Metainfo meta, int mode, long mtime, UserPrincipal owner, GroupPrincipal group) {
    this.target = target;
    this.temp = temp;
    this.meta = meta;
    this.mode = mode;
    this.mtime = mtime;
    this.owner = owner;
    this.group = group;
  }

  /**
   * Resolves {@code dest} for the single-file torrent {@code meta}, to land with permission bits {@code mode}, the
   * modification time {@code mtime} (-1 to leave it) and the {@code owner} ({@code USER}, {@code USER:GROUP} or
   * {@code :GROUP}; null to keep an existing target's where this user may), and creates missing parents. An existing
   * directory, or a path ending in {@code /}, means: inside that directory, under the torrent's name.
   */
  static Placement prepare(String dest, Metainfo meta, int mode, long mtime, String owner) throws IOException {
    Path target = target(dest, meta);
    Owner o = Owner.lookUp(owner, target);
    Path dir = Landing.createParents(target);
    String prefix = Landing.prefix(target);
    removeAbandoned(dir, prefix);
    return new Placement(target, dir.resolve(prefix + Landing.randomTag() + TEMP_SUFFIX), meta, mode, mtime, o.user(), o.group());
  }

  /** An owner and a group to give the file, each null for none. */
  record Owner(UserPrincipal user, GroupPrincipal group) {
    /** {@code spec}, {@code USER}, {@code USER:GROUP} or {@code :GROUP} (or null), as the host where {@code path} is knows them. */
    static Owner lookUp(String spec, Path path) throws IOException {
      if (spec == null) return new Owner(null, null);
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      int colon = spec.indexOf(':');
      String name = colon < 0 ? spec : spec.substring(0, colon);
      try {
        return new Owner(name.isEmpty() ? null : users.lookupPrincipalByName(name),
            colon < 0 ? null : users.lookupPrincipalByGroupName(spec.substring(colon + 1)));
      } catch (UserPrincipalNotFoundException e) {
        throw new IOException("no user or group " + e.getName() + " on this host");
      }
    }
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
    // the owner asked for gets the file at once: a login that may not give it fails before anything is fetched
    giveTo(temp, owner, group);
    return PieceStore.create(temp, meta);
  }

  /** Makes the complete, synced temporary file the target, atomically, and syncs the directory entry. */
  @Override
  public void commit() throws IOException {
    keepOwner();
    settle(temp);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Landing.syncDirectory(target.getParent());
    unlock();
  }

  /** The target already holds the content: only its owner (if asked for), permission bits and time are set. */
  void keep() throws IOException {
    giveTo(target, owner, group);
    settle(target);
  }

  /**
   * With no owner asked for, gives the temporary file the owner and group of the target it replaces, where this user
   * may: root may; any user may give a group it belongs to. Only now, complete and about to be renamed: the target's
   * owner is not trusted with the content while it arrives.
   */
  private void keepOwner() {
    if (owner != null || group != null || !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) return;
    try {
      PosixFileAttributes old = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      try {
        giveTo(temp, old.owner(), null);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "cannot keep the owner of " + target + ": " + e);
      }
      giveTo(temp, null, old.group());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot keep the group of " + target + ": " + e);
    }
  }

  /** Gives {@code file} itself (never what a symbolic link there points to) {@code user} and {@code group}, if not null. */
  private static void giveTo(Path file, UserPrincipal user, GroupPrincipal group) throws IOException {
    if (user == null && group == null) return;
    PosixFileAttributeView view = view(file);
    PosixFileAttributes now = view.readAttributes();
    if (user != null && !user.equals(now.owner())) view.setOwner(user);
    if (group != null && !group.equals(now.group())) view.setGroup(group);
  }

  /** The permission bits, then the modification time asked for, on {@code file} itself, each only if it differs. */
  private void settle(Path file) throws IOException {
    PosixFileAttributeView view = view(file);
    PosixFileAttributes now = view.readAttributes();
    Set<PosixFilePermission> bits = FileMode.toPermissions(mode);
    if (!now.permissions().equals(bits)) view.setPermissions(bits);
    if (mtime >= 0 && now.lastModifiedTime().toMillis() != mtime) view.setTimes(FileTime.fromMillis(mtime), null, null);
  }

  private static PosixFileAttributeView view(Path file) {
    return Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
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
