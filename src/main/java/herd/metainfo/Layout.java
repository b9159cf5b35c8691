package herd.metainfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a directory's torrent cannot say and a host places along with its files: every regular file's permission bits
 * (in the torrent's file order, links skipped), every directory with its bits (empty ones too), and the bits of the
 * tree's root. herd's own, sent to its peers beside the torrent.
 */
public record Layout(List<Integer> fileModes, List<Dir> dirs, int rootMode) {
  /** A directory below the root. */
  public record Dir(List<String> path, int mode) {
    public Dir {
      path = List.copyOf(path);
      for (String c : path) FileEntry.checkComponent(c);
    }
  }

  public Layout {
    fileModes = List.copyOf(fileModes);
    dirs = List.copyOf(dirs);
  }

  /**
   * The layout a torrent alone implies, for one herd did not push: files 0644, or 0755 when BEP 47 marks them
   * executable, and the directories that hold them 0755.
   */
  public static Layout of(Metainfo meta) {
    List<Integer> modes = new ArrayList<>();
    Set<List<String>> dirs = new LinkedHashSet<>();
    for (FileEntry f : meta.files()) {
      if (f.symlink() == null) modes.add(f.executable() ? 0755 : 0644);
      for (int i = 1; i < f.path().size(); i++) dirs.add(f.path().subList(0, i));
    }
    return new Layout(modes, dirs.stream().map(d -> new Dir(d, 0755)).toList(), 0755);
  }

  public Map<String, Object> encode() {
    Map<String, Object> d = new LinkedHashMap<>();
    List<Object> encodedDirs = new ArrayList<>();
    for (Dir dir : dirs) encodedDirs.add(List.of((long) dir.mode(), dir.path()));
    d.put("dirs", encodedDirs);
    d.put("modes", fileModes.stream().map(Integer::longValue).toList());
    d.put("root", (long) rootMode);
    return d;
  }

  public static Layout decode(Map<?, ?> d) {
    List<Dir> dirs = new ArrayList<>();
    for (Object o : (List<?>) d.get("dirs")) {
      List<?> entry = (List<?>) o;
      List<String> path = ((List<?>) entry.get(1)).stream().map(c -> new String((byte[]) c, StandardCharsets.UTF_8)).toList();
      dirs.add(new Dir(path, mode(entry.get(0))));
    }
    List<Integer> modes = ((List<?>) d.get("modes")).stream().map(Layout::mode).toList();
    return new Layout(modes, dirs, mode(d.get("root")));
  }

  private static int mode(Object bits) {
    long m = (Long) bits;
    if (m < 0 || m > 07777) throw new IllegalArgumentException("bad mode " + m);
    return (int) m;
  }
}
