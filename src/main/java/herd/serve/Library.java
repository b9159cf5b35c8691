package herd.serve;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files {@code herd serve} serves: every regular file below the root, found by {@link #scan}s, once it is
 * complete, that is once it has not been modified for the settle time; hidden names (a leading dot, as the temporary
 * files of rsync, herd and most atomic writers have) and {@code .part} or {@code .tmp} files are not. A new or
 * changed file is hashed, or taken from the {@link MetaCache} if it was hashed as it is now; a file that changed or
 * went away stops being served. Scans run on one thread; lookups are safe from any.
 */
final class Library {
  private static final Logger log = LoggerFactory.getLogger(Library.class);

  /** A file being served, by its path below the root ({@code /}-separated). */
  record Served(String relpath, FileStat stat, Metainfo meta) {}

  /** Told of each file that starts or stops being served, on the scanning thread. */
  interface Listener {
    void added(Served file, Path path) throws IOException;

    void removed(Served file);
  }

  /** What one scan did. */
  record Scan(int served, int fromCache, int hashed, int removed) {}

  private final Path root;
  private final MetaCache cache;
  private final Duration settle;
  private final Listener listener;
  private final Map<String, Served> served = new ConcurrentHashMap<>();
  /** Files that could not be served, as they were then: not tried again, nor logged again, until they change. */
  private final Map<String, FileStat> failed = new HashMap<>();

  Library(Path root, MetaCache cache, Duration settle, Listener listener) {
    this.root = root;
    this.cache = cache;
    this.settle = settle;
    this.listener = listener;
  }

  /** Brings the served set in line with the tree as it is now ({@code nowMillis}, wall clock, for file times). */
  Scan scan(long nowMillis) throws IOException {
    Map<String, FileStat> found = walk();
    int removed = 0;
    for (Served s : List.copyOf(served.values())) {
      if (!s.stat().equals(found.get(s.relpath()))) {
        served.remove(s.relpath());
        listener.removed(s);
        removed++;
        log.info("stopped serving {}: {}", s.relpath(), found.containsKey(s.relpath()) ? "it changed" : "it is gone");
      }
    }
    failed.keySet().retainAll(found.keySet());
    int fromCache = 0;
    int hashed = 0;
    for (Map.Entry<String, FileStat> e : found.entrySet()) {
      String relpath = e.getKey();
      FileStat stat = e.getValue();
      if (served.containsKey(relpath) || stat.equals(failed.get(relpath))) continue;
      if (nowMillis - stat.mtimeNanos() / 1_000_000 < settle.toMillis()) continue; // still being written, maybe
      Path file = root.resolve(relpath);
      try {
        Metainfo meta = cache.get(relpath, stat);
        if (meta != null) {
          fromCache++;
        } else {
          meta = Hashing.hashFile(file).metainfo();
          if (!stat.equals(FileStat.of(file))) continue; // written to while hashed: next scan
          cache.put(relpath, stat, meta);
          hashed++;
        }
        Served s = new Served(relpath, stat, meta);
        listener.added(s, file);
        served.put(relpath, s);
        failed.remove(relpath);
      } catch (IOException | RuntimeException ex) {
        failed.put(relpath, stat);
        log.warn("cannot serve {}: {}", relpath, ex.toString());
      }
    }
    return new Scan(served.size(), fromCache, hashed, removed);
  }

  Served find(String relpath) {
    return served.get(relpath);
  }

  /** The most recently modified file served in {@code dir} or below it ("" for the whole tree), or null. */
  Served newest(String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    return served.values().stream()
        .filter(s -> s.relpath().startsWith(prefix))
        .max(Comparator.comparingLong((Served s) -> s.stat().mtimeNanos()).thenComparing(Served::relpath))
        .orElse(null);
  }

  private Map<String, FileStat> walk() throws IOException {
    Map<String, FileStat> found = new HashMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && ignored(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && !ignored(file)) found.put(relpath(file), FileStat.of(attrs));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE; // gone since its directory was read, or unreadable: not served
      }
    });
    return found;
  }

  private String relpath(Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private static boolean ignored(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith(".") || name.endsWith(".part") || name.endsWith(".tmp");
  }
}
