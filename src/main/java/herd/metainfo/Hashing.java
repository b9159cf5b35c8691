package herd.metainfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.stream.IntStream;

/**
 * Piece hashing. Every piece is read once and hashed twice: SHA-1 for the torrent (what BitTorrent v1 peers
 * verify) and SHA-256 for herd's content digest, the SHA-256 of all pieces' SHA-256 digests in order, which a
 * placed file must match before it replaces DEST.
 */
public final class Hashing {
  private static final int MIN_PIECE = 64 * 1024;
  private static final int MAX_PIECE = 4 * 1024 * 1024;
  private static final int TARGET_PIECES = 1500;
  private static final int SHA256_LENGTH = 32;

  private Hashing() {}

  /** A file's torrent and content digest. */
  public record Hashed(Metainfo metainfo, byte[] contentDigest) {}

  /** The two digests of one piece. */
  public record PieceDigests(byte[] sha1, byte[] sha256) {}

  /** A power of two giving about {@value #TARGET_PIECES} pieces, within 64 KiB..4 MiB. */
  public static int pieceLengthFor(long length) {
    long want = Math.max(1, length / TARGET_PIECES);
    long p = Long.highestOneBit(want);
    if (p < want) p <<= 1;
    return (int) Math.max(MIN_PIECE, Math.min(MAX_PIECE, p));
  }

  /** How many pieces of {@link #pieceLengthFor} a file of {@code length} bytes has. */
  public static int pieceCountFor(long length) {
    int pieceLength = pieceLengthFor(length);
    return (int) ((length + pieceLength - 1) / pieceLength);
  }

  /** Hashes {@code file}'s pieces on all cores. */
  public static Hashed hashFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      int pieceLength = pieceLengthFor(length);
      Pieces p = pieces(ch::read, length, pieceLength);
      return new Hashed(new Metainfo(file.getFileName().toString(), pieceLength, length, p.sha1s()), p.contentDigest());
    }
  }

  /** Every piece's SHA-1, end to end as a torrent holds them, and the content digest. */
  public record Pieces(byte[] sha1s, byte[] contentDigest) {}

  /** Hashes the pieces of {@code length} bytes of {@code content} on all cores. */
  public static Pieces pieces(Source content, long length, int pieceLength) throws IOException {
    int count = (int) ((length + pieceLength - 1) / pieceLength);
    byte[] sha1s = new byte[count * Metainfo.HASH_LENGTH];
    byte[][] sha256s = new byte[count][];
    try {
      IntStream.range(0, count).parallel().forEach(i -> {
        long offset = (long) i * pieceLength;
        PieceDigests d = piece(content, offset, (int) Math.min(pieceLength, length - offset));
        System.arraycopy(d.sha1(), 0, sha1s, i * Metainfo.HASH_LENGTH, Metainfo.HASH_LENGTH);
        sha256s[i] = d.sha256();
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Pieces(sha1s, contentDigest(sha256s));
  }

  /** Positional reads of content, like {@link FileChannel#read(ByteBuffer, long)}. */
  public interface Source {
    /** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at the end. */
    int read(ByteBuffer dst, long position) throws IOException;
  }

  /** Both digests of {@code len} bytes of {@code ch} at {@code offset}, from one read. */
  public static PieceDigests piece(Source ch, long offset, int len) {
    MessageDigest sha1 = sha1();
    MessageDigest sha256 = digest("SHA-256");
    ByteBuffer buf = ByteBuffer.allocate(Math.max(1, Math.min(len, 256 * 1024)));
    long pos = offset;
    long end = offset + len;
    try {
      while (pos < end) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) throw new IOException("file shorter than expected at " + pos);
        buf.flip();
        sha1.update(buf.duplicate());
        sha256.update(buf);
        pos += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PieceDigests(sha1.digest(), sha256.digest());
  }

  /** The SHA-256 of the pieces' SHA-256 digests, in order. */
  public static byte[] contentDigest(byte[][] pieceSha256s) {
    MessageDigest md = digest("SHA-256");
    for (byte[] d : pieceSha256s) {
      if (d == null || d.length != SHA256_LENGTH) throw new IllegalArgumentException("a piece has no SHA-256");
      md.update(d);
    }
    return md.digest();
  }

  public static MessageDigest sha1() {
    return digest("SHA-1");
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
