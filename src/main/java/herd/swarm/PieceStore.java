package herd.swarm;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The torrent's content on disk, addressed by piece and offset. Today the content is one file; a multi-file
 * torrent maps the same global offsets onto several files here and nowhere else.
 */
public final class PieceStore implements AutoCloseable {
  private final Metainfo meta;
  private final FileChannel channel;

  private PieceStore(Metainfo meta, FileChannel channel) {
    this.meta = meta;
    this.channel = channel;
  }

  /** Opens existing content to serve it. */
  public static PieceStore openForReading(Path file, Metainfo meta) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    if (ch.size() != meta.length()) {
      ch.close();
      throw new IOException(file + " has " + ch.size() + " bytes, the torrent " + meta.length());
    }
    return new PieceStore(meta, ch);
  }

  /** Creates (or truncates) {@code file} at the content's full length, to be filled in. */
  public static PieceStore create(Path file, Metainfo meta) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    try {
      if (meta.length() > 0) ch.write(ByteBuffer.allocate(1), meta.length() - 1);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new PieceStore(meta, ch);
  }

  public Metainfo metainfo() {
    return meta;
  }

  void write(Block block, ByteBuffer buf) throws IOException {
    long pos = meta.pieceOffset(block.piece()) + block.begin();
    while (buf.hasRemaining()) pos += channel.write(buf, pos);
  }

  /** A zero-copy view of a block, for sending. The store must outlive it. */
  FileRegion region(Block block) {
    return new StoreRegion(channel, meta.pieceOffset(block.piece()) + block.begin(), block.length());
  }

  /** Appends a block to {@code out}, for transports that cannot send file regions (TLS). */
  void read(Block block, ByteBuf out) throws IOException {
    long pos = meta.pieceOffset(block.piece()) + block.begin();
    int end = out.writerIndex() + block.length();
    while (out.writerIndex() < end) {
      int n = out.writeBytes(channel, pos, end - out.writerIndex());
      if (n < 0) throw new IOException("short read at " + pos);
      pos += n;
    }
  }

  /** Reads piece {@code index} back: its SHA-256 if it matches the torrent's SHA-1, else null. */
  public byte[] verify(int index) {
    Hashing.PieceDigests d = Hashing.piece(channel, meta.pieceOffset(index), meta.pieceLength(index));
    return meta.pieceHashMatches(index, d.sha1()) ? d.sha256() : null;
  }

  /** Forces the content to stable storage. */
  public void sync() throws IOException {
    channel.force(true);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
