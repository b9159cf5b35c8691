package herd.serve;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code herd serve} learned by hashing a file, kept on disk so that a restart hashes again only what changed:
 * one small file per served file, named by the SHA-1 of its path, holding the path, the size and modification time it
 * was hashed at, and its info dictionary. An entry counts only while the file keeps that size and time.
 */
final class MetaCache {
  private final Path dir;

  MetaCache(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** The torrent of {@code relpath} hashed when it was as {@code stat} says, or null. */
  Metainfo get(String relpath, FileStat stat) {
    try {
      Map<String, Object> d = Bencode.decodeDict(Files.readAllBytes(entry(relpath)));
      if (!relpath.equals(text(d.get("path"))) || !stat.equals(new FileStat((Long) d.get("size"), (Long) d.get("mtime")))) {
        return null;
      }
      return Metainfo.decodeInfo((byte[]) d.get("info"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | BencodeException | ClassCastException | NullPointerException e) {
      return null; // a damaged entry is as good as none: the file is hashed again
    }
  }

  void put(String relpath, FileStat stat, Metainfo meta) throws IOException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("info", meta.encodeInfo());
    d.put("mtime", stat.mtimeNanos());
    d.put("path", relpath);
    d.put("size", stat.size());
    Path temp = Files.createTempFile(dir, ".entry", ".part");
    try {
      Files.write(temp, Bencode.encode(d));
      Files.move(temp, entry(relpath), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  void remove(String relpath) throws IOException {
    Files.deleteIfExists(entry(relpath));
  }

  private Path entry(String relpath) {
    return dir.resolve(HexFormat.of().formatHex(Hashing.sha1().digest(relpath.getBytes(StandardCharsets.UTF_8))));
  }

  private static String text(Object bytes) {
    return new String((byte[]) bytes, StandardCharsets.UTF_8);
  }
}
