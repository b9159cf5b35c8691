package herd.metainfo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * A directory as a multi-file torrent holds it: its regular files and symbolic links (as links, never followed; one
 * pointing out of the tree is refused), in a fixed order so that the same tree always makes the same torrent, and the
 * {@link Layout} a torrent cannot hold: permission bits, and directories, empty ones too. Excluded names are left out
 * with everything below them.
 */
public record Tree(List<FileEntry> files, Layout layout) {
  /** What is left out unless the user says otherwise, as Murder does. */
  public static final List<String> DEFAULT_EXCLUDES = List.of(".git");

  /**
   * Reads the tree below {@code root}. {@code excludes} are globs matched against each file's or directory's name and
   * against its path below {@code root} ({@code *.log}, {@code build/tmp}).
   */
  public static Tree scan(Path root, List<String> excludes) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) throw new IOException(root + " is not a directory");
    List<PathMatcher> matchers = excludes.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    List<FileEntry> files = new ArrayList<>();
    List<Integer> modes = new ArrayList<>();
    List<Layout.Dir> dirs = new ArrayList<>();
    walk(root, root, List.of(), matchers, files, modes, dirs);
    return new Tree(List.copyOf(files), new Layout(modes, dirs, mode(root)));
  }

  private static int mode(Path p) throws IOException {
    return FileMode.toBits(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static void walk(Path root, Path dir, List<String> at, List<PathMatcher> excludes, List<FileEntry> files,
      List<Integer> modes, List<Layout.Dir> dirs) throws IOException {
    List<Path> children;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      children = StreamSupport.stream(entries.spliterator(), false).sorted().toList();
    }
    for (Path child : children) {
      Path relative = root.relativize(child);
      if (excludes.stream().anyMatch(m -> m.matches(child.getFileName()) || m.matches(relative))) continue;
      List<String> path = new ArrayList<>(at);
      path.add(child.getFileName().toString());
      if (Files.isSymbolicLink(child)) {
        files.add(link(child, relative, path));
      } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        dirs.add(new Layout.Dir(path, mode(child)));
        walk(root, child, path, excludes, files, modes, dirs);
      } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
        int mode = mode(child);
        files.add(FileEntry.file(path, Files.size(child), (mode & 0100) != 0));
        modes.add(mode);
      } else {
        throw new IOException(relative + " is not a regular file, directory or symbolic link: --exclude it");
      }
    }
  }

  private static FileEntry link(Path link, Path relative, List<String> path) throws IOException {
    Path target = Files.readSymbolicLink(link);
    if (!target.isAbsolute()) {
      List<String> components = new ArrayList<>();
      for (Path c : target) if (!c.toString().isEmpty() && !c.toString().equals(".")) components.add(c.toString());
      try {
        return new FileEntry(path, 0, false, components);
      } catch (IllegalArgumentException e) {
        // out of the tree, or to nothing: refused below
      }
    }
    throw new IOException("symbolic link " + relative + " points out of the tree, to " + target + ": --exclude it");
  }
}
