package herd.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A host's memory of the files it verified, like rsync's quick check: for each file, its device, inode, size,
 * modification time and change time when it was known to hold some content digest. If all of them still match,
 * the file is taken to hold that content without reading it. Any write, truncation, rename over it, chmod or
 * touch changes the inode's change time, which no user can set back, so a changed file is not mistaken for the
 * same one. The one change the check cannot see is one landing in the same tick of the filesystem's clock as the
 * stat that was remembered. Entries are one small file each, named by a hash of the file's path, and replaced
 * atomically; one that cannot be read is simply no entry. The directory is created owner-only (0700).
 */
final class VerifiedFiles {
  private static final System.Logger LOG = System.getLogger(VerifiedFiles.class.getName());
  private static final String ATTRIBUTES = "unix:dev,ino,size,lastModifiedTime,ctime";
  private static final String VERSION = "herd-verified-1";
  /** The memory says which files a host holds and when they changed: for its owner's eyes only. */
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private final Path dir;

  VerifiedFiles(Path dir) {
    this.dir = dir;
  }

  /** Whether {@code file} is unchanged since it was remembered holding {@code contentDigest}. */
  boolean vouchFor(Path file, byte[] contentDigest) {
    try {
      String entry = Files.readString(entry(file), StandardCharsets.US_ASCII);
      return entry.equals(describe(file, contentDigest));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Remembers that {@code file}, as it is now, holds {@code contentDigest}. Failing to is only logged. */
  void remember(Path file, byte[] contentDigest) {
    try {
      Files.createDirectories(dir, OWNER_ONLY);
      Path entry = entry(file);
      Path tmp = Files.createTempFile(dir, ".entry", ".tmp");
      try {
        Files.writeString(tmp, describe(file, contentDigest), StandardCharsets.US_ASCII);
        Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remember " + file + " as verified: " + e.getMessage());
    }
  }

  private static String describe(Path file, byte[] contentDigest) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, ATTRIBUTES);
    return String.join(" ", VERSION, a.get("dev").toString(), a.get("ino").toString(), a.get("size").toString(),
        nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")), HexFormat.of().formatHex(contentDigest)) + "\n";
  }

  private static String nanos(Object time) {
    return Long.toString(((FileTime) time).to(TimeUnit.NANOSECONDS));
  }

  private Path entry(Path file) {
    try {
      byte[] key = MessageDigest.getInstance("SHA-256").digest(file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(key, 0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
