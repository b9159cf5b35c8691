package herd.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/** A file's size and modification time: what says it changed. */
record FileStat(long size, long mtimeNanos) {
  static FileStat of(BasicFileAttributes a) {
    return new FileStat(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  static FileStat of(Path file) throws IOException {
    return of(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
  }
}
