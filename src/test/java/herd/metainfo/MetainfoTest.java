package herd.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetainfoTest {
  @TempDir Path dir;

  @Test
  void hashesEveryPieceIncludingTheShortLastOne() throws Exception {
    byte[] data = new byte[3 * 65536 + 100];
    new Random(1).nextBytes(data);
    Metainfo m = Hashing.hashFile(Files.write(dir.resolve("f.bin"), data)).metainfo();
    assertEquals("f.bin", m.name());
    assertEquals(65536, m.pieceLength());
    assertEquals(4, m.pieceCount());
    assertEquals(100, m.pieceLength(3));
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    for (int i = 0; i < 4; i++) {
      byte[] piece = Arrays.copyOfRange(data, i * 65536, Math.min(data.length, (i + 1) * 65536));
      assertTrue(m.pieceHashMatches(i, sha1.digest(piece)), "piece " + i);
    }
    assertFalse(m.pieceHashMatches(0, sha1.digest(new byte[1])));
  }

  @Test
  void contentDigestIsSha256OfThePiecesSha256s() throws Exception {
    byte[] data = new byte[2 * 65536 + 5];
    new Random(2).nextBytes(data);
    Hashing.Hashed h = Hashing.hashFile(Files.write(dir.resolve("g.bin"), data));
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 3; i++) {
      outer.update(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(data, i * 65536, Math.min(data.length, (i + 1) * 65536))));
    }
    assertArrayEquals(outer.digest(), h.contentDigest());
    data[65536 + 7] ^= 1;
    assertFalse(Arrays.equals(h.contentDigest(), Hashing.hashFile(Files.write(dir.resolve("g.bin"), data)).contentDigest()));
  }

  @Test
  void infoHashIsSha1OfTheBencodedInfoDictionary() throws Exception {
    Metainfo m = Hashing.hashFile(Files.write(dir.resolve("x"), new byte[1000])).metainfo();
    assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(m.encodeInfo()), m.infoHash());
    Map<String, Object> torrent = Bencode.decodeDict(m.encodeTorrent("http://10.0.0.1:1/announce"));
    assertArrayEquals(m.encodeInfo(), Bencode.encode(torrent.get("info")));
  }

  @Test
  void decodesItsOwnInfoDictionary() throws Exception {
    Metainfo m = Hashing.hashFile(Files.write(dir.resolve("y"), new byte[200_000])).metainfo();
    Metainfo back = Metainfo.decodeInfo(m.encodeInfo());
    assertArrayEquals(m.infoHash(), back.infoHash());
    assertEquals(m.length(), back.length());
  }

  @Test
  void rejectsInfoWithTheWrongNumberOfHashes() {
    byte[] bad = Bencode.encode(Map.of("length", 100_000L, "name", "a", "piece length", 65536L, "pieces", new byte[20]));
    assertThrows(BencodeException.class, () -> Metainfo.decodeInfo(bad));
  }

  @Test
  void rejectsNamesThatEscapeTheDirectory() {
    assertThrows(IllegalArgumentException.class, () -> new Metainfo("../etc", 16384, 0, new byte[0]));
  }

  @Test
  void encodesAndDecodesADirectoryWithBep47Attributes() {
    List<FileEntry> files = List.of(
        FileEntry.file(List.of("bin", "run"), 3, true),
        new FileEntry(List.of("current"), 0, false, List.of("bin", "run")),
        FileEntry.file(List.of("data"), 5, false));
    Metainfo m = new Metainfo("release", 16384, files, new byte[20]);
    assertTrue(m.multiFile());
    assertEquals(8, m.length());
    Map<String, Object> info = Bencode.decodeDict(m.encodeInfo());
    assertFalse(info.containsKey("length"));
    List<?> encoded = (List<?>) info.get("files");
    assertEquals("x", new String((byte[]) ((Map<?, ?>) encoded.get(0)).get("attr")));
    assertEquals("l", new String((byte[]) ((Map<?, ?>) encoded.get(1)).get("attr")));
    Metainfo back = Metainfo.decodeInfo(m.encodeInfo());
    assertEquals(files, back.files());
    assertArrayEquals(m.infoHash(), back.infoHash());
  }

  @Test
  void keepsKeysItDoesNotUseInTheInfoHash() {
    Map<String, Object> info = new TreeMap<>(Bencode.decodeDict(new Metainfo("f", 16384, 10, new byte[20]).encodeInfo()));
    info.put("private", 1L);
    byte[] bytes = Bencode.encode(info);
    assertArrayEquals(Hashing.sha1().digest(bytes), Metainfo.decodeInfo(bytes).infoHash());
  }

  @Test
  void refusesTreesThatEscapeOrCollide() {
    assertThrows(IllegalArgumentException.class, () -> FileEntry.file(List.of("a", "..", "..", "etc"), 1, false));
    assertThrows(IllegalArgumentException.class, () -> FileEntry.file(List.of("a/b"), 1, false));
    assertThrows(IllegalArgumentException.class, () -> new FileEntry(List.of("l"), 0, false, List.of("..", "etc")));
    assertThrows(IllegalArgumentException.class, () -> new FileEntry(List.of("d", "l"), 0, false, List.of("..", "..", "x")));
    new FileEntry(List.of("d", "l"), 0, false, List.of("..", "x"));
    assertThrows(IllegalArgumentException.class, () -> new Metainfo("t", 16384,
        List.of(FileEntry.file(List.of("a"), 1, false), FileEntry.file(List.of("a", "b"), 1, false)), new byte[20]));
    assertThrows(IllegalArgumentException.class, () -> new Metainfo("t", 16384,
        List.of(FileEntry.file(List.of("a"), 1, false), FileEntry.file(List.of("a"), 1, false)), new byte[20]));
  }

  @Test
  void choosesPieceLengthsFromTheFileSize() {
    assertEquals(64 * 1024, Hashing.pieceLengthFor(0));
    assertEquals(64 * 1024, Hashing.pieceLengthFor(64L << 20));
    assertEquals(1 << 20, Hashing.pieceLengthFor(1L << 30));
    assertEquals(4 << 20, Hashing.pieceLengthFor(1L << 40));
  }
}
