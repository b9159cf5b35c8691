package herd.tracker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of a request target's query component, percent-decoded straight to bytes so that binary values
 * such as {@code info_hash} survive. Follows {@code application/x-www-form-urlencoded}, which is how trackers read
 * announces in practice: {@code +} is a space, and form encoders (Go's url.Values, Python's urlencode, Java's
 * URLEncoder) send a 0x20 byte as {@code +} and a 0x2B byte as {@code %2B}. Unescaped characters stand for their
 * ISO-8859-1 byte, which is how Netty hands over raw bytes of the request line.
 */
final class Query {
  private Query() {}

  /** Names are decoded like values and read as ISO-8859-1; a name without {@code =} has an empty value. */
  static Map<String, byte[]> parse(String uri) throws AnnounceException {
    int start = uri.indexOf('?');
    Map<String, byte[]> params = new HashMap<>();
    if (start < 0) return params;
    for (String pair : uri.substring(start + 1).split("&", -1)) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = new String(decode(eq < 0 ? pair : pair.substring(0, eq)), StandardCharsets.ISO_8859_1);
      byte[] value = eq < 0 ? new byte[0] : decode(pair.substring(eq + 1));
      if (params.put(name, value) != null) throw new AnnounceException("repeated query parameter");
    }
    return params;
  }

  private static byte[] decode(String s) throws AnnounceException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? hex(s.charAt(i + 1)) : -1;
        int lo = hi >= 0 ? hex(s.charAt(i + 2)) : -1;
        if (lo < 0) throw new AnnounceException("malformed percent-escape in query");
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else if (c > 0xFF) {
        throw new AnnounceException("invalid character in query");
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** ASCII hex digits only: {@link Character#digit} would also take other scripts' digits. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
}
