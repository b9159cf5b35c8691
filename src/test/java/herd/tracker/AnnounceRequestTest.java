package herd.tracker;

import static herd.tracker.Announces.escape;
import static herd.tracker.Announces.id;
import static herd.tracker.Announces.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnounceRequestTest {
  private static final InetAddress REMOTE = ip("192.0.2.7");
  private static final byte[] HASH = new byte[] {
      0x00, (byte) 0xFF, 0x25, 0x26, 0x3D, 0x2B, 0x20, 0x7F, (byte) 0x80, 0x0A,
      0x41, 0x7E, 0x3F, 0x23, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
  private static final String VALID_REST = "&peer_id=" + escape(id(7)) + "&port=6881&uploaded=0&downloaded=0&left=100";

  private static AnnounceRequest parse(String query) throws AnnounceException {
    return AnnounceRequest.parse("/announce?" + query, REMOTE);
  }

  private static String failure(String query) {
    return assertThrows(AnnounceException.class, () -> parse(query)).getMessage();
  }

  @Test
  void decodesBinaryInfoHashByteForByte() throws AnnounceException {
    AnnounceRequest r = parse("info_hash=" + escape(HASH) + VALID_REST);
    assertArrayEquals(HASH, r.infoHash());
    assertArrayEquals(id(7), r.peerId());
    assertEquals(6881, r.port());
    assertEquals(100, r.left());
  }

  @Test
  void takesUnescapedCharactersAndLowercaseEscapesAsBytes() throws AnnounceException {
    AnnounceRequest r = parse("info_hash=abcdefghij0123456-_%7e" + VALID_REST);
    assertArrayEquals("abcdefghij0123456-_~".getBytes(StandardCharsets.US_ASCII), r.infoHash());
  }

  @Test
  void readsPlusAsSpaceAndEscapedPlusAsPlus() throws AnnounceException {
    AnnounceRequest r = parse("info_hash=+%2B" + escape(new byte[18]) + VALID_REST);
    assertEquals(0x20, r.infoHash()[0]);
    assertEquals(0x2B, r.infoHash()[1]);
  }

  @Test
  void readsAllFields() throws AnnounceException {
    AnnounceRequest r = parse("info_hash=" + escape(HASH) + "&peer_id=" + escape(id(1))
        + "&port=65535&uploaded=9223372036854775807&downloaded=5&left=0&event=completed&compact=0&numwant=12");
    assertEquals(65535, r.port());
    assertEquals(Long.MAX_VALUE, r.uploaded());
    assertEquals(5, r.downloaded());
    assertEquals(0, r.left());
    assertEquals(AnnounceRequest.Event.COMPLETED, r.event());
    assertFalse(r.compact());
    assertEquals(12, r.numwant());
  }

  @Test
  void defaultsToCompactNoEventAndTwoHundredPeers() throws AnnounceException {
    AnnounceRequest r = parse("info_hash=" + escape(HASH) + VALID_REST);
    assertTrue(r.compact());
    assertEquals(AnnounceRequest.Event.NONE, r.event());
    assertEquals(200, r.numwant());
  }

  @ParameterizedTest
  @CsvSource({"started,STARTED", "stopped,STOPPED", "completed,COMPLETED", "'',NONE"})
  void readsEvents(String event, AnnounceRequest.Event expected) throws AnnounceException {
    assertEquals(expected, parse("info_hash=" + escape(HASH) + VALID_REST + "&event=" + event).event());
  }

  @Test
  void clampsNumwantToTheMaximum() throws AnnounceException {
    assertEquals(AnnounceRequest.MAX_NUMWANT,
        parse("info_hash=" + escape(HASH) + VALID_REST + "&numwant=5000").numwant());
    assertEquals(AnnounceRequest.MAX_NUMWANT,
        parse("info_hash=" + escape(HASH) + VALID_REST + "&numwant=99999999999999999").numwant());
  }

  @Test
  void usesTheRemoteAddressAndKeepsTheIpParameterApart() throws AnnounceException {
    AnnounceRequest r = parse("info_hash=" + escape(HASH) + VALID_REST + "&ip=203.0.113.9");
    assertEquals(REMOTE, r.address());
    assertEquals(ip("203.0.113.9"), r.ip());
    assertEquals(ip("2001:db8::7"), parse("info_hash=" + escape(HASH) + VALID_REST + "&ip=2001%3Adb8%3A%3A7").ip());
  }

  @ParameterizedTest
  @CsvSource({"example.org", "localhost", "1.2.3.999", "1.2.3", "2001:db8::zz", "''"})
  void takesOnlyAnAddressLiteralAsIpAndLooksNothingUp(String ip) throws AnnounceException {
    assertEquals(null, parse("info_hash=" + escape(HASH) + VALID_REST + "&ip=" + ip).ip());
  }

  @Test
  void ignoresUnknownParametersAndEmptyPairs() throws AnnounceException {
    assertArrayEquals(HASH, parse("key=abc&&supportcrypto=1&info_hash=" + escape(HASH) + VALID_REST + "&").infoHash());
  }

  @Test
  void refusesMissingInfoHash() {
    assertEquals("missing info_hash", failure(VALID_REST.substring(1)));
    assertEquals("missing info_hash", assertThrows(AnnounceException.class,
        () -> AnnounceRequest.parse("/announce", REMOTE)).getMessage());
  }

  @Test
  void refusesInfoHashOfWrongLength() {
    assertEquals("info_hash must be 20 bytes", failure("info_hash=" + escape(new byte[19]) + VALID_REST));
    assertEquals("info_hash must be 20 bytes", failure("info_hash=" + escape(new byte[21]) + VALID_REST));
  }

  @Test
  void refusesPeerIdOfWrongLength() {
    assertEquals("peer_id must be 20 bytes",
        failure("info_hash=" + escape(HASH) + "&peer_id=short&port=1&uploaded=0&downloaded=0&left=0"));
  }

  @ParameterizedTest
  @CsvSource({"%", "%4", "%G0", "%0g", "%%41"})
  void refusesMalformedPercentEscapes(String bad) {
    assertEquals("malformed percent-escape in query", failure("info_hash=" + escape(HASH) + VALID_REST + "&x=" + bad));
  }

  @Test
  void refusesNonAsciiDigitsInEscapes() {
    assertEquals("malformed percent-escape in query", failure("info_hash=%\u0663\u0663" + VALID_REST));
  }

  @Test
  void refusesCharactersBeyondOneByte() {
    assertEquals("invalid character in query", failure("info_hash=" + escape(HASH) + VALID_REST + "&x=\u20AC"));
  }

  @ParameterizedTest
  @CsvSource({"0", "65536", "-1", "+80", "80a", "''", "99999999999999999999"})
  void refusesBadPorts(String port) {
    String q = "info_hash=" + escape(HASH) + "&peer_id=" + escape(id(7)) + "&uploaded=0&downloaded=0&left=0&port=";
    assertThrows(AnnounceException.class, () -> parse(q + port));
  }

  @Test
  void namesTheOutOfRangePort() {
    assertEquals("port must be 1-65535", failure("info_hash=" + escape(HASH) + VALID_REST.replace("6881", "0")));
  }

  @Test
  void refusesNegativeLeft() {
    assertEquals("left must be a non-negative integer",
        failure("info_hash=" + escape(HASH) + VALID_REST.replace("left=100", "left=-1")));
  }

  @Test
  void refusesNonNumericCounts() {
    assertEquals("uploaded must be a non-negative integer",
        failure("info_hash=" + escape(HASH) + VALID_REST.replace("uploaded=0", "uploaded=1e3")));
    assertEquals("downloaded must be a non-negative integer",
        failure("info_hash=" + escape(HASH) + VALID_REST.replace("downloaded=0", "downloaded=")));
  }

  @Test
  void refusesOverflowingCounts() {
    assertEquals("left is too large",
        failure("info_hash=" + escape(HASH) + VALID_REST.replace("left=100", "left=9223372036854775808")));
  }

  @Test
  void refusesMissingCounts() {
    assertEquals("missing left", failure("info_hash=" + escape(HASH) + VALID_REST.replace("&left=100", "")));
  }

  @Test
  void refusesUnknownEvent() {
    assertEquals("event must be started, completed or stopped",
        failure("info_hash=" + escape(HASH) + VALID_REST + "&event=paused"));
  }

  @Test
  void refusesBadCompactAndNegativeNumwant() {
    assertEquals("compact must be 0 or 1", failure("info_hash=" + escape(HASH) + VALID_REST + "&compact=2"));
    assertEquals("numwant must be a non-negative integer",
        failure("info_hash=" + escape(HASH) + VALID_REST + "&numwant=-1"));
  }

  @Test
  void refusesRepeatedParameters() {
    assertEquals("repeated query parameter", failure("info_hash=" + escape(HASH) + VALID_REST + "&port=6882"));
  }

  @Test
  void comparesByContent() throws AnnounceException {
    String q = "info_hash=" + escape(HASH) + VALID_REST;
    assertEquals(parse(q), parse(q));
    assertEquals(parse(q).hashCode(), parse(q).hashCode());
  }

  @Test
  void throwsOnlyItsOwnExceptionOnGarbage() {
    Random random = new Random(42);
    String alphabet = "%&=+?/09afAFG_~\u0000\u00FF\u0100\uD800";
    String valid = "/announce?info_hash=" + escape(HASH) + VALID_REST + "&event=started&numwant=3";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder(random.nextBoolean() ? valid : "");
      int edits = random.nextInt(8);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(sb.length() + 1);
        if (random.nextBoolean() && at < sb.length()) {
          sb.deleteCharAt(at);
        } else {
          sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      try {
        AnnounceRequest.parse(sb.toString(), REMOTE);
      } catch (AnnounceException expected) {
        // refused cleanly
      }
    }
  }
}
