package herd.swarm;

import herd.metainfo.FileEntry;
import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The torrent's content on disk, addressed by piece and offset. The content is the torrent's files one after the
 * other; a block may span several of them, and only this class knows where one ends. Files without content (empty
 * ones, symbolic links) have no part here.
 */
public final class PieceStore implements AutoCloseable {
  private final Metainfo meta;
  /** The files with content, in content order, and where each starts in the content. */
  private final FileChannel[] files;
  private final long[] starts;
  /** The digests of pieces {@link #adopt} copied in and verified, by index; null until it did. */
  private volatile byte[][] adopted;

  private PieceStore(Metainfo meta, FileChannel[] files, long[] starts) {
    this.meta = meta;
    this.files = files;
    this.starts = starts;
  }

  /**
   * Opens existing content to serve it: {@code root} is the file of a single-file torrent, or the directory holding a
   * multi-file torrent's files. Every file must have the torrent's length for it.
   */
  public static PieceStore openForReading(Path root, Metainfo meta) throws IOException {
    return open(root, meta, false);
  }

  /**
   * Creates (or truncates) the content's files at their full lengths, to be filled in: {@code root} is the file, or
   * the directory the files go below (created, with their parent directories, as needed).
   */
  public static PieceStore create(Path root, Metainfo meta) throws IOException {
    return open(root, meta, true);
  }

  private static PieceStore open(Path root, Metainfo meta, boolean create) throws IOException {
    List<FileChannel> channels = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    long start = 0;
    try {
      for (FileEntry f : meta.files()) {
        if (f.symlink() != null) continue;
        Path path = meta.multiFile() ? root.resolve(String.join("/", f.path())) : root;
        if (create) Files.createDirectories(path.getParent());
        FileChannel ch = create
            ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)
            : FileChannel.open(path, StandardOpenOption.READ);
        channels.add(ch);
        if (create && f.length() > 0) {
          ch.write(ByteBuffer.allocate(1), f.length() - 1);
        } else if (!create && ch.size() != f.length()) {
          throw new IOException(path + " has " + ch.size() + " bytes, the torrent " + f.length());
        }
        if (f.length() == 0) {
          channels.remove(channels.size() - 1).close();
          continue;
        }
        starts.add(start);
        start += f.length();
      }
    } catch (IOException | RuntimeException e) {
      for (FileChannel ch : channels) ch.close();
      throw e;
    }
    return new PieceStore(meta, channels.toArray(FileChannel[]::new), starts.stream().mapToLong(Long::longValue).toArray());
  }

  public Metainfo metainfo() {
    return meta;
  }

  /** What to do with one file's share of a range of the content. */
  private interface Part {
    void apply(FileChannel file, long position, int offset, int length) throws IOException;
  }

  /** Calls {@code part} for each file's share of {@code length} bytes at {@code position}, in order. */
  private void forEachPart(long position, int length, Part part) throws IOException {
    int done = 0;
    for (int i = fileAt(position); done < length; i++) {
      long inFile = position + done - starts[i];
      int n = (int) Math.min(length - done, end(i) - position - done);
      part.apply(files[i], inFile, done, n);
      done += n;
    }
  }

  /** The file holding content offset {@code position}. */
  private int fileAt(long position) {
    int i = Arrays.binarySearch(starts, position);
    return i >= 0 ? i : -i - 2;
  }

  /** Where file {@code i} ends in the content. */
  private long end(int i) {
    return i + 1 < starts.length ? starts[i + 1] : meta.length();
  }

  void write(Block block, ByteBuffer data) throws IOException {
    int base = data.position();
    forEachPart(meta.pieceOffset(block.piece()) + block.begin(), block.length(), (file, pos, offset, length) -> {
      ByteBuffer part = data.duplicate().position(base + offset).limit(base + offset + length);
      while (part.hasRemaining()) pos += file.write(part, pos);
    });
  }

  /** Zero-copy views of a block, one per file it spans, for sending. The store must outlive them. */
  List<FileRegion> regions(Block block) throws IOException {
    List<FileRegion> out = new ArrayList<>(1);
    forEachPart(meta.pieceOffset(block.piece()) + block.begin(), block.length(),
        (file, pos, offset, length) -> out.add(new StoreRegion(file, pos, length)));
    return out;
  }

  /** Appends a block to {@code out}, for transports that cannot send file regions (TLS). */
  void read(Block block, ByteBuf out) throws IOException {
    forEachPart(meta.pieceOffset(block.piece()) + block.begin(), block.length(), (file, pos, offset, length) -> {
      int end = out.writerIndex() + length;
      while (out.writerIndex() < end) {
        int n = out.writeBytes(file, pos, end - out.writerIndex());
        if (n < 0) throw new IOException("short read at " + pos);
        pos += n;
      }
    });
  }

  /** Reads into {@code dst} from content offset {@code position}, within one file. */
  private int read(ByteBuffer dst, long position) throws IOException {
    if (position >= meta.length()) return -1;
    int i = fileAt(position);
    ByteBuffer part = dst.duplicate();
    part.limit(part.position() + (int) Math.min(dst.remaining(), end(i) - position));
    int n = files[i].read(part, position - starts[i]);
    if (n > 0) dst.position(dst.position() + n);
    return n;
  }

  /** Reads piece {@code index} back: its SHA-256 if it matches the torrent's SHA-1, else null. */
  public byte[] verify(int index) {
    Hashing.PieceDigests d = Hashing.piece(this::read, meta.pieceOffset(index), meta.pieceLength(index));
    return meta.pieceHashMatches(index, d.sha1()) ? d.sha256() : null;
  }

  /**
   * Hashes the files of a multi-file torrent named {@code name}, found below {@code root}, on all cores: the torrent
   * and its content digest.
   */
  public static Hashing.Hashed hash(Path root, String name, List<FileEntry> files) throws IOException {
    long length = files.stream().mapToLong(FileEntry::length).sum();
    int pieceLength = Hashing.pieceLengthFor(length);
    Metainfo layout = new Metainfo(name, pieceLength, files, new byte[Hashing.pieceCountFor(length) * Metainfo.HASH_LENGTH]);
    try (PieceStore store = openForReading(root, layout)) {
      Hashing.Pieces p = Hashing.pieces(store::read, length, pieceLength);
      return new Hashing.Hashed(new Metainfo(name, pieceLength, files, p.sha1s()), p.contentDigest());
    }
  }

  /**
   * Copies into this store, a single file's, what {@code older} (never followed if a symbolic link) holds at each
   * piece's offset, and keeps each piece whose copied bytes match: an older version of the file, of any length,
   * shares its unchanged pieces with the new one, and they need not be fetched. One read and one hash of each piece,
   * as it is copied, on all cores, a buffer of 256 KiB at most each; a piece that does not match is fetched over.
   * Returns the pieces kept, whose digests {@link #sha256} then knows without reading them again.
   */
  public BitSet adopt(Path older) throws IOException {
    if (meta.multiFile()) throw new IllegalStateException("a multi-file torrent adopts no older file");
    byte[][] digests = new byte[meta.pieceCount()][];
    try (FileChannel old = FileChannel.open(older, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = old.size();
      // what is read is written here at the same position, and hashed: the copy is what the digests describe
      Hashing.Source copying = (dst, position) -> {
        int start = dst.position();
        int n = old.read(dst, position);
        ByteBuffer read = dst.duplicate().position(start).limit(start + Math.max(0, n));
        while (read.hasRemaining()) files[0].write(read, position + read.position() - start);
        return n;
      };
      IntStream.range(0, meta.pieceCount()).parallel().forEach(i -> {
        long offset = meta.pieceOffset(i);
        int length = meta.pieceLength(i);
        if (offset + length > size) return;
        Hashing.PieceDigests d = Hashing.piece(copying, offset, length);
        if (meta.pieceHashMatches(i, d.sha1())) digests[i] = d.sha256();
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    adopted = digests;
    BitSet kept = new BitSet();
    for (int i = 0; i < digests.length; i++) if (digests[i] != null) kept.set(i);
    return kept;
  }

  /** The SHA-256 of piece {@code index} as verified in this store: known if {@linkplain #adopt adopted}, else read back. */
  public byte[] sha256(int index) {
    return adopted != null && adopted[index] != null ? adopted[index] : verify(index);
  }

  /** Forces the content to stable storage. */
  public void sync() throws IOException {
    for (FileChannel f : files) f.force(true);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileChannel f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
