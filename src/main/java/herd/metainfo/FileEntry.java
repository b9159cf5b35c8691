package herd.metainfo;

import java.util.List;

/**
 * One file of a multi-file torrent (BEP 3's {@code files}), with BEP 47's attributes: an executable bit, and
 * symbolic links, which hold no content and point at {@code symlink} (components, relative to the link's own
 * directory, and never out of the torrent's tree).
 *
 * @param path components below the torrent's directory
 * @param symlink the link's target components, or null for a regular file
 */
public record FileEntry(List<String> path, long length, boolean executable, List<String> symlink) {
  public FileEntry {
    path = List.copyOf(path);
    symlink = symlink == null ? null : List.copyOf(symlink);
    if (path.isEmpty()) throw new IllegalArgumentException("a file with an empty path");
    for (String c : path) checkComponent(c);
    if (length < 0) throw new IllegalArgumentException("negative length for " + String.join("/", path));
    if (symlink != null) {
      if (length != 0) throw new IllegalArgumentException("symbolic link " + String.join("/", path) + " has content");
      if (symlink.isEmpty()) throw new IllegalArgumentException("symbolic link " + String.join("/", path) + " to nothing");
      // within the tree: count how far up ".." components climb from the link's directory
      int depth = path.size() - 1;
      for (String c : symlink) {
        if (c.isEmpty() || c.contains("/") || c.contains("\0") || c.equals(".")) {
          throw new IllegalArgumentException("bad symbolic link target in " + String.join("/", path));
        }
        depth += c.equals("..") ? -1 : 1;
        if (depth < 0) throw new IllegalArgumentException("symbolic link " + String.join("/", path) + " leaves the tree");
      }
    }
  }

  /** A regular file. */
  public static FileEntry file(List<String> path, long length, boolean executable) {
    return new FileEntry(path, length, executable, null);
  }

  /** A path component or a single-file torrent's name: no separator, not {@code .} or {@code ..}, not empty. */
  static void checkComponent(String c) {
    if (c.isEmpty() || c.contains("/") || c.contains("\0") || c.equals(".") || c.equals("..")) {
      throw new IllegalArgumentException("bad name: " + c);
    }
  }
}
