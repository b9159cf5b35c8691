package herd.metainfo;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The info dictionary of a single-file v1 torrent (BEP 3): what a peer needs to fetch and verify the content.
 * Offsets are global byte offsets into the content, so a multi-file layout only changes how they map to files.
 */
public final class Metainfo {
  public static final int HASH_LENGTH = 20;

  private final String name;
  private final int pieceLength;
  private final long length;
  private final byte[] pieces;
  private final byte[] infoHash;

  public Metainfo(String name, int pieceLength, long length, byte[] pieces) {
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("bad name: " + name);
    }
    if (pieceLength <= 0 || length < 0) throw new IllegalArgumentException("bad piece length or length");
    long expected = length == 0 ? 0 : (length + pieceLength - 1) / pieceLength;
    if (pieces.length != expected * HASH_LENGTH) {
      throw new IllegalArgumentException("expected " + expected + " piece hashes, got " + pieces.length / (double) HASH_LENGTH);
    }
    this.name = name;
    this.pieceLength = pieceLength;
    this.length = length;
    this.pieces = pieces.clone();
    this.infoHash = Hashing.sha1().digest(encodeInfo());
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
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("length", length);
    info.put("name", name);
    info.put("piece length", (long) pieceLength);
    info.put("pieces", pieces);
    return Bencode.encode(info);
  }

  /** A whole .torrent file announcing to {@code announceUrl}, for standard clients. */
  public byte[] encodeTorrent(String announceUrl) {
    Map<String, Object> torrent = new LinkedHashMap<>();
    torrent.put("announce", announceUrl);
    torrent.put("info", Bencode.decode(encodeInfo()));
    return Bencode.encode(torrent);
  }

  public static Metainfo decodeInfo(byte[] info) {
    Map<String, Object> d = Bencode.decodeDict(info);
    try {
      return new Metainfo(
          new String((byte[]) d.get("name"), StandardCharsets.UTF_8),
          Math.toIntExact((Long) d.get("piece length")),
          (Long) d.get("length"),
          (byte[]) d.get("pieces"));
    } catch (ClassCastException | NullPointerException | ArithmeticException | IllegalArgumentException e) {
      throw new BencodeException("not a single-file info dictionary: " + e.getMessage());
    }
  }
}
