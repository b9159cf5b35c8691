package herd.metainfo;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The info dictionary of a v1 torrent (BEP 3): what a peer needs to fetch and verify the content, one file or a
 * directory of them ({@link #files}). Offsets are global byte offsets into the content, the files' bytes one after
 * the other; the storage maps them to files.
 */
public final class Metainfo {
  public static final int HASH_LENGTH = 20;

  private final String name;
  private final int pieceLength;
  /** Null for a single-file torrent. */
  private final List<FileEntry> files;
  private final long length;
  private final byte[] pieces;
  /** The bencoded info dictionary, as decoded or encoded: the info-hash is its SHA-1. */
  private final byte[] info;
  private final byte[] infoHash;

  /** A single-file torrent. */
  public Metainfo(String name, int pieceLength, long length, byte[] pieces) {
    this(name, pieceLength, null, length, pieces, null);
  }

  /** A multi-file torrent: the directory {@code name} holding {@code files}. */
  public Metainfo(String name, int pieceLength, List<FileEntry> files, byte[] pieces) {
    this(name, pieceLength, List.copyOf(files), files.stream().mapToLong(FileEntry::length).sum(), pieces, null);
  }

  private Metainfo(String name, int pieceLength, List<FileEntry> files, long length, byte[] pieces, byte[] info) {
    FileEntry.checkComponent(name);
    if (pieceLength <= 0 || length < 0) throw new IllegalArgumentException("bad piece length or length");
    long expected = length == 0 ? 0 : (length + pieceLength - 1) / pieceLength;
    if (pieces.length != expected * HASH_LENGTH) {
      throw new IllegalArgumentException("expected " + expected + " piece hashes, got " + pieces.length / (double) HASH_LENGTH);
    }
    if (files != null) checkTree(files);
    this.name = name;
    this.pieceLength = pieceLength;
    this.files = files;
    this.length = length;
    this.pieces = pieces.clone();
    this.info = info != null ? info.clone() : encode();
    this.infoHash = Hashing.sha1().digest(this.info);
  }

  /** No path twice, and none both a file and a directory. */
  private static void checkTree(List<FileEntry> files) {
    if (files.isEmpty()) throw new IllegalArgumentException("a multi-file torrent without files");
    Set<List<String>> paths = new HashSet<>();
    Set<List<String>> dirs = new HashSet<>();
    for (FileEntry f : files) {
      if (!paths.add(f.path())) throw new IllegalArgumentException("duplicate path " + String.join("/", f.path()));
      for (int i = 1; i < f.path().size(); i++) dirs.add(f.path().subList(0, i));
    }
    for (List<String> d : dirs) {
      if (paths.contains(d)) throw new IllegalArgumentException(String.join("/", d) + " is both a file and a directory");
    }
  }

  public String name() {
    return name;
  }

  public int pieceLength() {
    return pieceLength;
  }

  public long length() {
    return length;
  }

  /** Whether this is a directory of {@link #files}, rather than one file. */
  public boolean multiFile() {
    return files != null;
  }

  /** The files of a multi-file torrent, in content order; for a single-file torrent, one entry named {@link #name}. */
  public List<FileEntry> files() {
    return files != null ? files : List.of(FileEntry.file(List.of(name), length, false));
  }

  public int pieceCount() {
    return pieces.length / HASH_LENGTH;
  }

  /** Length of piece {@code index}; the last piece may be short. */
  public int pieceLength(int index) {
    long start = (long) index * pieceLength;
    return (int) Math.min(pieceLength, length - start);
  }

  public long pieceOffset(int index) {
    return (long) index * pieceLength;
  }

  public boolean pieceHashMatches(int index, byte[] sha1) {
    return Arrays.equals(pieces, index * HASH_LENGTH, (index + 1) * HASH_LENGTH, sha1, 0, HASH_LENGTH);
  }

  /** SHA-1 of the bencoded info dictionary. */
  public byte[] infoHash() {
    return infoHash.clone();
  }

  /** The bencoded info dictionary. */
  public byte[] encodeInfo() {
    return info.clone();
  }

  private byte[] encode() {
    Map<String, Object> dict = new LinkedHashMap<>();
    if (files == null) {
      dict.put("length", length);
    } else {
      List<Object> list = new ArrayList<>();
      for (FileEntry f : files) {
        Map<String, Object> entry = new LinkedHashMap<>();
        String attr = (f.executable() ? "x" : "") + (f.symlink() != null ? "l" : "");
        if (!attr.isEmpty()) entry.put("attr", attr);
        entry.put("length", f.length());
        entry.put("path", f.path());
        if (f.symlink() != null) entry.put("symlink path", f.symlink());
        list.add(entry);
      }
      dict.put("files", list);
    }
    dict.put("name", name);
    dict.put("piece length", (long) pieceLength);
    dict.put("pieces", pieces);
    return Bencode.encode(dict);
  }

  /** A whole .torrent file announcing to {@code announceUrl}, for standard clients. */
  public byte[] encodeTorrent(String announceUrl) {
    Map<String, Object> torrent = new LinkedHashMap<>();
    torrent.put("announce", announceUrl);
    torrent.put("info", Bencode.decode(info));
    return Bencode.encode(torrent);
  }

  /**
   * Decodes an info dictionary, single- or multi-file, keeping its bytes as they are: keys herd does not use (a
   * {@code private} flag, say) still count toward the info-hash.
   */
  public static Metainfo decodeInfo(byte[] info) {
    Map<String, Object> d = Bencode.decodeDict(info);
    try {
      String name = text(d.get("name"));
      int pieceLength = Math.toIntExact((Long) d.get("piece length"));
      byte[] pieces = (byte[]) d.get("pieces");
      if (!d.containsKey("files")) return new Metainfo(name, pieceLength, null, (Long) d.get("length"), pieces, info);
      List<FileEntry> files = new ArrayList<>();
      for (Object o : (List<?>) d.get("files")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) o;
        String attr = f.containsKey("attr") ? text(f.get("attr")) : "";
        files.add(new FileEntry(texts(f.get("path")), (Long) f.get("length"), attr.contains("x"),
            attr.contains("l") ? texts(f.get("symlink path")) : null));
      }
      return new Metainfo(name, pieceLength, List.copyOf(files), files.stream().mapToLong(FileEntry::length).sum(), pieces, info);
    } catch (ClassCastException | NullPointerException | ArithmeticException | IllegalArgumentException e) {
      throw new BencodeException("not a v1 info dictionary: " + e.getMessage());
    }
  }

  private static String text(Object bytes) {
    return new String((byte[]) bytes, StandardCharsets.UTF_8);
  }

  private static List<String> texts(Object list) {
    return ((List<?>) list).stream().map(Metainfo::text).toList();
  }
}
