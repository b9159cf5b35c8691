package herd.tracker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;

/** Builders for announces in tests. */
final class Announces {
  /** A tracker's wiring in tests, as herd's. */
  static final int CONNECTIONS = 30;
  static final Duration TERM = Duration.ofSeconds(10);

  private Announces() {}

  /** Percent-encodes every byte, as careful clients do for binary values. */
  static String escape(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) sb.append(String.format("%%%02X", b & 0xFF));
    return sb.toString();
  }

  /** A 20-byte id whose bytes are all {@code b}. */
  static byte[] id(int b) {
    byte[] id = new byte[20];
    Arrays.fill(id, (byte) b);
    return id;
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static AnnounceRequest request(int peer, String ip, int port, long left, AnnounceRequest.Event event, int numwant) {
    return new AnnounceRequest(id(0xAA), id(peer), ip(ip), port, 0, 0, left, event, true, numwant, null, null);
  }
}
