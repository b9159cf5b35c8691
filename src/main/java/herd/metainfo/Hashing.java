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

/** Makes a {@link Metainfo} from a file, hashing pieces on all cores. */
public final class Hashing {
  private static final int MIN_PIECE = 64 * 1024;
  private static final int MAX_PIECE = 4 * 1024 * 1024;
  private static final int TARGET_PIECES = 1500;

  private Hashing() {}

  /** A power of two giving about {@value #TARGET_PIECES} pieces, within 64 KiB..4 MiB. */
  public static int pieceLengthFor(long length) {
    long want = Math.max(1, length / TARGET_PIECES);
    long p = Long.highestOneBit(want);
    if (p < want) p <<= 1;
    return (int) Math.max(MIN_PIECE, Math.min(MAX_PIECE, p));
  }

  public static Metainfo hashFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      int pieceLength = pieceLengthFor(length);
      int count = (int) ((length + pieceLength - 1) / pieceLength);
      byte[] pieces = new byte[count * Metainfo.HASH_LENGTH];
      try {
        IntStream.range(0, count).parallel().forEach(i -> {
          long offset = (long) i * pieceLength;
          int len = (int) Math.min(pieceLength, length - offset);
          byte[] h = sha1(ch, offset, len);
          System.arraycopy(h, 0, pieces, i * Metainfo.HASH_LENGTH, Metainfo.HASH_LENGTH);
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      return new Metainfo(file.getFileName().toString(), pieceLength, length, pieces);
    }
  }

  /** SHA-256 of a whole file: the digest a placed file is checked against before it replaces DEST. */
  public static byte[] sha256(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return digest(digest("SHA-256"), ch, 0, ch.size());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** SHA-1 of {@code len} bytes of {@code ch} at {@code offset}. */
  public static byte[] sha1(FileChannel ch, long offset, int len) {
    return digest(sha1(), ch, offset, len);
  }

  private static byte[] digest(MessageDigest md, FileChannel ch, long offset, long len) {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.max(1, Math.min(len, 256 * 1024)));
    long pos = offset;
    long end = offset + len;
    try {
      while (pos < end) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n < 0) throw new IOException("file shorter than expected at " + pos);
        buf.flip();
        md.update(buf);
        pos += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
