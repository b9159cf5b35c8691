package herd.tracker;

import herd.bencode.Bencode;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bencoded tracker responses. Compact replies (BEP 23) put IPv4 peers in {@code peers} as 6-byte entries and IPv6
 * peers in {@code peers6} (BEP 7) as 18-byte entries, address then big-endian port; otherwise {@code peers} is a list
 * of dictionaries for both families, without {@code peer id} where it isn't known.
 */
final class AnnounceReply {
  private AnnounceReply() {}

  /** {@code interval} doubles as {@code min interval}: clients should not announce more often than that. */
  static byte[] success(Swarm.Handout handout, long intervalSeconds, boolean compact) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("interval", intervalSeconds);
    reply.put("min interval", intervalSeconds);
    reply.put("complete", handout.complete());
    reply.put("incomplete", handout.incomplete());
    if (compact) {
      ByteArrayOutputStream v4 = new ByteArrayOutputStream();
      ByteArrayOutputStream v6 = new ByteArrayOutputStream();
      for (Peer p : handout.peers()) {
        ByteArrayOutputStream out = p.address() instanceof Inet4Address ? v4 : v6;
        out.writeBytes(p.address().getAddress());
        out.write(p.port() >> 8);
        out.write(p.port());
      }
      reply.put("peers", v4.toByteArray());
      reply.put("peers6", v6.toByteArray());
    } else {
      List<Object> list = new ArrayList<>();
      for (Peer p : handout.peers()) list.add(dictionary(p));
      reply.put("peers", list);
    }
    return Bencode.encode(reply);
  }

  static byte[] failure(String reason) {
    return Bencode.encode(Map.of("failure reason", reason));
  }

  private static Map<String, Object> dictionary(Peer p) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (p.id().length > 0) d.put("peer id", p.id());
    d.put("ip", withoutScope(p.address()).getHostAddress());
    d.put("port", p.port());
    return d;
  }

  /** An IPv6 scope names an interface of this host, meaningless to the peer that receives the address. */
  private static InetAddress withoutScope(InetAddress a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (UnknownHostException e) {
      throw new AssertionError("a 4- or 16-byte address is always valid", e);
    }
  }
}
