package herd.peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Failures of the host's file system as one line, {@code <what>: <path>: <OS reason>}, as rsync and cp put them:
 * {@code cannot create /srv/app/.app.bin.herd-1a2b.part: /srv/app/.app.bin.herd-1a2b.part: Permission denied}.
 *
 * <p>The JDK keeps the OS's reason in {@link FileSystemException#getReason()}, except for the errors it has a subclass
 * for (EACCES, ENOENT, EEXIST, ...), whose reason is null and whose {@code getMessage()} is only the path; those get the
 * C library's wording back here. A plain {@link IOException} from reading or writing a channel already carries the
 * OS's reason as its message, and names no path, so the caller gives the path.
 */
final class IoFailures {
  private IoFailures() {}

  /** {@code what}, the path the OS refused (or {@code path} if {@code e} names none), and the OS's reason. */
  static String describe(String what, Path path, Throwable e) {
    if (e instanceof UncheckedIOException u) {
      e = u.getCause();
    }
    if (e instanceof FileSystemException f) {
      String file = f.getFile() != null ? f.getFile() : String.valueOf(path);
      if (f.getOtherFile() != null) {
        file += " -> " + f.getOtherFile();
      }
      return what + ": " + file + ": " + reason(f);
    }
    return what + ": " + path + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
  }

  private static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "File exists";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "Directory not empty";
    }
    return e.getClass().getSimpleName();
  }
}
