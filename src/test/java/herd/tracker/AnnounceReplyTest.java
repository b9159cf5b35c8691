package herd.tracker;

import static herd.tracker.Announces.id;
import static herd.tracker.Announces.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import herd.bencode.Bencode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnounceReplyTest {
  private static final Swarm.Handout HANDOUT = new Swarm.Handout(
      List.of(
          new Peer(new byte[0], ip("10.1.2.3"), 0x1A2B),
          new Peer(id(5), ip("2001:db8::1"), 6881),
          new Peer(id(6), ip("192.0.2.200"), 65535)),
      false, 3, 4);

  @Test
  void compactPutsIpv4InPeersAndIpv6InPeers6() {
    Map<String, Object> reply = Bencode.decodeDict(AnnounceReply.success(HANDOUT, 30, true));
    assertArrayEquals(new byte[] {10, 1, 2, 3, 0x1A, 0x2B, (byte) 192, 0, 2, (byte) 200, (byte) 0xFF, (byte) 0xFF},
        (byte[]) reply.get("peers"));
    byte[] v6 = (byte[]) reply.get("peers6");
    assertEquals(18, v6.length);
    assertEquals(0x20, v6[0]);
    assertEquals(0x01, v6[15]);
    assertEquals(6881, (v6[16] & 0xFF) << 8 | v6[17] & 0xFF);
  }

  @Test
  void carriesIntervalsAndCounts() {
    Map<String, Object> reply = Bencode.decodeDict(AnnounceReply.success(HANDOUT, 30, true));
    assertEquals(30L, reply.get("interval"));
    assertEquals(30L, reply.get("min interval"));
    assertEquals(3L, reply.get("complete"));
    assertEquals(4L, reply.get("incomplete"));
  }

  @Test
  void nonCompactListsDictionariesAndOmitsUnknownPeerIds() {
    Map<String, Object> reply = Bencode.decodeDict(AnnounceReply.success(HANDOUT, 30, false));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> peers = (List<Map<String, Object>>) reply.get("peers");
    assertEquals(3, peers.size());
    assertFalse(peers.get(0).containsKey("peer id"));
    assertEquals("10.1.2.3", new String((byte[]) peers.get(0).get("ip"), StandardCharsets.US_ASCII));
    assertEquals(0x1A2BL, peers.get(0).get("port"));
    assertArrayEquals(id(5), (byte[]) peers.get(1).get("peer id"));
    assertEquals("2001:db8:0:0:0:0:0:1", new String((byte[]) peers.get(1).get("ip"), StandardCharsets.US_ASCII));
    assertFalse(reply.containsKey("peers6"));
  }

  @Test
  void failureCarriesOnlyTheReason() {
    Map<String, Object> reply = Bencode.decodeDict(AnnounceReply.failure("unknown torrent"));
    assertEquals(Map.of("failure reason", "unknown torrent"),
        Map.of("failure reason", new String((byte[]) reply.get("failure reason"), StandardCharsets.UTF_8)));
    assertEquals(1, reply.size());
  }
}
