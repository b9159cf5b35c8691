package herd.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import herd.tracker.AnnounceException;
import herd.tracker.AnnounceRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link AnnounceRequest#parse} on an untrusted request target: an {@link AnnounceRequest} or an
 * {@link AnnounceException}, nothing else. Half the runs send the fuzzer's string as is; the other half build
 * {@code /announce?name=value&...} from the announce's own parameter names, percent-escaping values the way
 * clients do (with occasional raw or broken escapes), and check that an accepted request carries exactly the
 * info_hash, peer_id and port that were sent.
 */
class AnnounceRequestFuzzTest {
  private static final InetAddress REMOTE = address();
  private static final String[] NAMES = {
    "info_hash", "peer_id", "port", "uploaded", "downloaded", "left", "event", "compact", "numwant", "ip", "key",
    "trackerid", "no_peer_id", "token"
  };
  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  @FuzzTest(maxDuration = "20s")
  void parse(FuzzedDataProvider data) {
    Map<String, byte[]> sent = new HashMap<>();
    String uri = data.consumeBoolean() ? data.consumeRemainingAsString() : build(data, sent);
    AnnounceRequest r;
    try {
      r = AnnounceRequest.parse(uri, REMOTE);
    } catch (AnnounceException expected) {
      assertNotNull(expected.getMessage());
      return;
    }
    assertEquals(20, r.infoHash().length);
    assertEquals(20, r.peerId().length);
    assertTrue(r.port() >= 1 && r.port() <= 65535, "port " + r.port());
    assertTrue(r.uploaded() >= 0 && r.downloaded() >= 0 && r.left() >= 0, r.toString());
    assertTrue(r.numwant() >= 0 && r.numwant() <= AnnounceRequest.MAX_NUMWANT, r.toString());
    assertNotNull(r.event());
    assertEquals(REMOTE, r.address());
    if (sent.containsKey("info_hash")) assertArrayEquals(sent.get("info_hash"), r.infoHash());
    if (sent.containsKey("peer_id")) assertArrayEquals(sent.get("peer_id"), r.peerId());
    if (sent.containsKey("port")) assertEquals(new String(sent.get("port"), StandardCharsets.ISO_8859_1), "" + r.port());
  }

  /** A query of mostly well-formed pairs; {@code sent} gets the decoded value of every pair escaped correctly. */
  private static String build(FuzzedDataProvider data, Map<String, byte[]> sent) {
    StringBuilder uri = new StringBuilder(data.consumeBoolean() ? "/announce" : data.consumeString(8).replace('?', '/')).append('?');
    int pairs = data.consumeInt(0, 14);
    for (int i = 0; i < pairs; i++) {
      if (i > 0) uri.append(data.consumeInt(0, 15) == 0 ? "&&" : "&");
      String name = data.consumeInt(0, 7) == 0 ? data.consumeString(12) : data.pickValue(NAMES);
      byte[] value = switch (name) {
        case "info_hash", "peer_id" -> data.consumeBytes(data.consumeInt(0, 7) == 0 ? 24 : 20);
        case "port", "uploaded", "downloaded", "left", "numwant" ->
            (data.consumeBoolean() ? "" + data.consumeLong(0, 70000) : "" + data.consumeLong())
                .getBytes(StandardCharsets.ISO_8859_1);
        case "event" -> data.pickValue(new String[] {"started", "completed", "stopped", "", "empty"})
            .getBytes(StandardCharsets.ISO_8859_1);
        default -> data.consumeBytes(data.consumeInt(0, 24));
      };
      switch (data.consumeInt(0, 9)) {
        case 0 -> uri.append(name); // no '=' at all
        case 1 -> uri.append(name).append('=').append(data.consumeString(24)); // raw, unescaped
        case 2 -> uri.append(name).append('=').append(escape(value, true)).append(brokenEscape(data));
        default -> {
          uri.append(encodeName(name, data.consumeBoolean())).append('=').append(escape(value, data.consumeBoolean()));
          sent.put(name, value);
        }
      }
    }
    return uri.toString();
  }

  private static String brokenEscape(FuzzedDataProvider data) {
    return data.pickValue(new String[] {"%", "%4", "%G0", "%0g", "%%", "%\u0100\u0100", "%4\u00e9"});
  }

  private static String encodeName(String name, boolean escapeAll) {
    if (!escapeAll) return name;
    StringBuilder s = new StringBuilder();
    for (char c : name.toCharArray()) s.append(String.format("%%%02X", (int) c));
    return s.toString();
  }

  /** Percent-encodes {@code value}: a space as {@code +} like form encoders, lower- or upper-case hex. */
  private static String escape(byte[] value, boolean lowerCase) {
    StringBuilder s = new StringBuilder();
    for (byte b : value) {
      int c = b & 0xff;
      if (UNRESERVED.indexOf(c) >= 0) {
        s.append((char) c);
      } else if (c == ' ') {
        s.append('+');
      } else {
        s.append(String.format(lowerCase ? "%%%02x" : "%%%02X", c));
      }
    }
    return s.toString();
  }

  private static InetAddress address() {
    try {
      return InetAddress.getByAddress(new byte[] {10, 77, 0, 11});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
