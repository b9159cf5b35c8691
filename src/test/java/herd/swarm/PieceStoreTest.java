package herd.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import herd.metainfo.FileEntry;
import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A multi-file torrent's content: files end to end, blocks and pieces across their boundaries. */
class PieceStoreTest {
  @TempDir Path dir;

  /** Files of 70,000, 0, 10 and 200,000 bytes and a link: 64 KiB pieces; blocks 4, 5 and pieces 1 cross files. */
  private static final List<FileEntry> FILES = List.of(
      FileEntry.file(List.of("a.bin"), 70_000, false),
      FileEntry.file(List.of("empty"), 0, false),
      FileEntry.file(List.of("sub", "tiny"), 10, true),
      new FileEntry(List.of("sub", "link"), 0, false, List.of("tiny")),
      FileEntry.file(List.of("sub", "deeper", "b.bin"), 200_000, false));

  @Test
  void hashesReadsAndWritesAcrossFileBoundaries() throws IOException {
    Path src = dir.resolve("src");
    byte[] content = writeTree(src);
    Hashing.Hashed hashed = PieceStore.hash(src, "tree", FILES);
    Metainfo meta = hashed.metainfo();
    assertEquals(content.length, meta.length());
    assertEquals(5, meta.pieceCount());

    try (PieceStore from = PieceStore.openForReading(src, meta); PieceStore to = PieceStore.create(dir.resolve("dst"), meta)) {
      for (int piece = 0; piece < meta.pieceCount(); piece++) {
        assertNotNull(from.verify(piece), "piece " + piece);
        assertNull(to.verify(piece), "an empty piece " + piece + " verified");
        for (int begin = 0; begin < meta.pieceLength(piece); begin += Block.SIZE) {
          Block b = new Block(piece, begin, Math.min(Block.SIZE, meta.pieceLength(piece) - begin));
          byte[] viaRegions = send(from.regions(b));
          ByteBuf viaRead = Unpooled.buffer();
          from.read(b, viaRead);
          byte[] expected = Arrays.copyOfRange(content, (int) (meta.pieceOffset(piece) + begin),
              (int) (meta.pieceOffset(piece) + begin + b.length()));
          assertArrayEquals(expected, viaRegions, "regions of " + b);
          assertArrayEquals(expected, bytes(viaRead), "read of " + b);
          to.write(b, ByteBuffer.wrap(expected));
        }
        assertNotNull(to.verify(piece), "written piece " + piece);
      }
    }
    assertArrayEquals(Files.readAllBytes(src.resolve("a.bin")), Files.readAllBytes(dir.resolve("dst/a.bin")));
    assertArrayEquals(Files.readAllBytes(src.resolve("sub/deeper/b.bin")), Files.readAllBytes(dir.resolve("dst/sub/deeper/b.bin")));
    assertEquals(0, Files.size(dir.resolve("dst/empty")));
    assertEquals(10, Files.size(dir.resolve("dst/sub/tiny")));
  }

  @Test
  void adoptsThePiecesAnOlderVersionHoldsUnchangedAtTheirOffsets() throws IOException {
    byte[] data = new byte[10 * 65536 + 100];
    new java.util.Random(5).nextBytes(data);
    Path source = Files.write(dir.resolve("new.bin"), data);
    Metainfo meta = Hashing.hashFile(source).metainfo();
    assertEquals(11, meta.pieceCount());

    byte[] changed = data.clone();
    changed[3 * 65536 + 7] ^= 1;
    assertEquals(pieces(0, 1, 2, 4, 5, 6, 7, 8, 9, 10), adopted(meta, changed));
    // shorter: the pieces past its end are missing; longer: the last piece differs where the new file ends
    assertEquals(pieces(0, 1, 2, 3, 4, 5), adopted(meta, Arrays.copyOf(data, 6 * 65536 + 10)));
    assertEquals(pieces(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), adopted(meta, Arrays.copyOf(data, data.length + 5)));
    // one byte inserted at the start moves every piece: none is found (no rolling hash, unlike rsync's)
    byte[] shifted = new byte[data.length + 1];
    System.arraycopy(data, 0, shifted, 1, data.length);
    assertEquals(pieces(), adopted(meta, shifted));
  }

  /** The pieces a fresh store of {@code meta} adopts from an older file holding {@code older}, checked in the store. */
  private java.util.BitSet adopted(Metainfo meta, byte[] older) throws IOException {
    Path old = Files.write(dir.resolve("old.bin"), older);
    Path fresh = dir.resolve("fresh.bin");
    try (PieceStore store = PieceStore.create(fresh, meta)) {
      java.util.BitSet got = store.adopt(old);
      for (int i = 0; i < meta.pieceCount(); i++) {
        assertEquals(got.get(i), store.verify(i) != null, "piece " + i + " copied and verifying");
        if (got.get(i)) assertArrayEquals(store.verify(i), store.sha256(i), "piece " + i + " digest known");
      }
      return got;
    } finally {
      Files.delete(fresh);
    }
  }

  private static java.util.BitSet pieces(int... indexes) {
    java.util.BitSet set = new java.util.BitSet();
    for (int i : indexes) set.set(i);
    return set;
  }

  @Test
  void refusesFilesOfTheWrongLength() throws IOException {
    Path src = dir.resolve("src");
    writeTree(src);
    Metainfo meta = PieceStore.hash(src, "tree", FILES).metainfo();
    Files.write(src.resolve("sub/tiny"), new byte[11]);
    IOException e = assertThrows(IOException.class, () -> PieceStore.openForReading(src, meta));
    assertEquals(src.resolve("sub/tiny") + " has 11 bytes, the torrent 10", e.getMessage());
  }

  private static byte[] writeTree(Path root) throws IOException {
    Random random = new Random(5);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (FileEntry f : FILES) {
      if (f.symlink() != null) continue;
      byte[] b = new byte[(int) f.length()];
      random.nextBytes(b);
      Path p = root.resolve(String.join("/", f.path()));
      Files.createDirectories(p.getParent());
      Files.write(p, b);
      all.write(b);
    }
    return all.toByteArray();
  }

  private static byte[] send(List<FileRegion> regions) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WritableByteChannel ch = Channels.newChannel(out)) {
      for (FileRegion r : regions) {
        while (r.transferred() < r.count()) r.transferTo(ch, r.transferred());
        r.release();
      }
    }
    return out.toByteArray();
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.readBytes(b);
    buf.release();
    return b;
  }
}
