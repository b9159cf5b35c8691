package herd.tracker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * One BEP 3 announce. {@code address} is where the request came from. {@code ip} is the client-supplied {@code ip}
 * parameter if it is an IP address literal (a DNS name is ignored), else null; the tracker heeds it only for an
 * announce that herd forwarded (see {@link Tracker}), so that a client cannot point the swarm at another host.
 * {@code numwant} is already defaulted and clamped to {@code [0, MAX_NUMWANT]}.
 */
public record AnnounceRequest(
    byte[] infoHash,
    byte[] peerId,
    InetAddress address,
    int port,
    long uploaded,
    long downloaded,
    long left,
    Event event,
    boolean compact,
    int numwant,
    byte[] token,
    InetAddress ip) {
  /** Peers handed out when the client doesn't say: enough for one of herd's fleets to find each other at once. */
  public static final int DEFAULT_NUMWANT = 200;
  public static final int MAX_NUMWANT = 1000;

  private static final int ID_LENGTH = 20;

  public enum Event {
    NONE,
    STARTED,
    COMPLETED,
    STOPPED
  }

  public AnnounceRequest {
    infoHash = infoHash.clone();
    peerId = peerId.clone();
    token = token == null ? null : token.clone();
    Objects.requireNonNull(address);
    Objects.requireNonNull(event);
  }

  /**
   * Parses the request target of an announce (only its query is read; routing on the path is the caller's job).
   * Throws nothing but {@link AnnounceException} for any {@code uri}, whose message is fit to send to the client.
   * {@code remoteAddress} is the connection's peer. {@code compact} defaults to true, as modern clients expect.
   */
  public static AnnounceRequest parse(String uri, InetAddress remoteAddress) throws AnnounceException {
    Map<String, byte[]> q = Query.parse(uri);
    return new AnnounceRequest(
        id(q, "info_hash"),
        id(q, "peer_id"),
        remoteAddress,
        port(q),
        count(q, "uploaded"),
        count(q, "downloaded"),
        count(q, "left"),
        event(q),
        compact(q),
        numwant(q),
        q.get("token"),
        ip(q));
  }

  /** The {@code ip} parameter if it is an IPv4 or IPv6 address literal; looks nothing up. */
  private static InetAddress ip(Map<String, byte[]> q) {
    String v = text(q, "ip", "");
    try {
      if (v.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
        byte[] octets = new byte[4];
        String[] parts = v.split("\\.");
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) return null;
          octets[i] = (byte) octet;
        }
        return InetAddress.getByAddress(octets);
      }
      // with a colon, InetAddress parses an IPv6 literal or fails: it never looks a name up
      return v.indexOf(':') >= 0 && v.matches("[0-9A-Fa-f:.]+") ? InetAddress.getByName(v) : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** This announce with the peer at {@code peerAddress} instead of where the request came from. */
  public AnnounceRequest at(InetAddress peerAddress) {
    return new AnnounceRequest(
        infoHash, peerId, peerAddress, port, uploaded, downloaded, left, event, compact, numwant, token, ip);
  }

  private static byte[] id(Map<String, byte[]> q, String name) throws AnnounceException {
    byte[] v = q.get(name);
    if (v == null) throw new AnnounceException("missing " + name);
    if (v.length != ID_LENGTH) throw new AnnounceException(name + " must be " + ID_LENGTH + " bytes");
    return v;
  }

  private static int port(Map<String, byte[]> q) throws AnnounceException {
    long port = count(q, "port");
    if (port < 1 || port > 65535) throw new AnnounceException("port must be 1-65535");
    return (int) port;
  }

  private static Event event(Map<String, byte[]> q) throws AnnounceException {
    return switch (text(q, "event", "")) {
      case "" -> Event.NONE;
      case "started" -> Event.STARTED;
      case "completed" -> Event.COMPLETED;
      case "stopped" -> Event.STOPPED;
      default -> throw new AnnounceException("event must be started, completed or stopped");
    };
  }

  private static boolean compact(Map<String, byte[]> q) throws AnnounceException {
    return switch (text(q, "compact", "1")) {
      case "0" -> false;
      case "1" -> true;
      default -> throw new AnnounceException("compact must be 0 or 1");
    };
  }

  private static int numwant(Map<String, byte[]> q) throws AnnounceException {
    if (!q.containsKey("numwant")) return DEFAULT_NUMWANT;
    return (int) Math.min(count(q, "numwant"), MAX_NUMWANT);
  }

  /** A required decimal integer in {@code [0, Long.MAX_VALUE]}: digits only, no sign. */
  private static long count(Map<String, byte[]> q, String name) throws AnnounceException {
    byte[] v = q.get(name);
    if (v == null) throw new AnnounceException("missing " + name);
    if (v.length == 0) throw new AnnounceException(name + " must be a non-negative integer");
    long n = 0;
    for (byte b : v) {
      if (b < '0' || b > '9') throw new AnnounceException(name + " must be a non-negative integer");
      if (n > (Long.MAX_VALUE - (b - '0')) / 10) throw new AnnounceException(name + " is too large");
      n = n * 10 + (b - '0');
    }
    return n;
  }

  private static String text(Map<String, byte[]> q, String name, String absent) {
    byte[] v = q.get(name);
    return v == null ? absent : new String(v, StandardCharsets.ISO_8859_1);
  }

  @Override
  public byte[] infoHash() {
    return infoHash.clone();
  }

  @Override
  public byte[] peerId() {
    return peerId.clone();
  }

  /** The run's tracker token, if the client sent one; never printed. */
  @Override
  public byte[] token() {
    return token == null ? null : token.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnnounceRequest r
        && Arrays.equals(infoHash, r.infoHash)
        && Arrays.equals(peerId, r.peerId)
        && address.equals(r.address)
        && port == r.port
        && uploaded == r.uploaded
        && downloaded == r.downloaded
        && left == r.left
        && event == r.event
        && compact == r.compact
        && numwant == r.numwant
        && Arrays.equals(token, r.token)
        && Objects.equals(ip, r.ip);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(infoHash), Arrays.hashCode(peerId), address, port, uploaded, downloaded, left, event, compact,
        numwant, Arrays.hashCode(token), ip);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "AnnounceRequest[infoHash=" + hex.formatHex(infoHash) + ", peerId=" + hex.formatHex(peerId)
        + ", address=" + address.getHostAddress() + ", port=" + port + ", uploaded=" + uploaded
        + ", downloaded=" + downloaded + ", left=" + left + ", event=" + event + ", compact=" + compact
        + ", numwant=" + numwant + (ip == null ? "" : ", ip=" + ip.getHostAddress()) + "]";
  }
}
