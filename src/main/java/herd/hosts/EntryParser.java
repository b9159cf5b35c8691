package herd.hosts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses one {@code [user@]host[:port]} entry. IPv6 addresses go in brackets ({@code [::1]}, {@code
 * root@[fe80::1]:2222}); without brackets, an entry whose host part has two or more colons is read as a whole IPv6
 * address with no port (as OpenSSH does), so {@code fe80::1:2222} is the address {@code fe80::1:2222}, never port 2222.
 */
final class EntryParser {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]*\\$?");
  private static final Pattern HOST_CHARS = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");

  /** What is wrong with an entry, without saying where it came from. */
  static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason);
    }
  }

  private EntryParser() {}

  static HostSpec parse(String entry) throws Malformed {
    if (entry.isEmpty()) {
      throw new Malformed("empty entry");
    }
    if (entry.chars().anyMatch(Character::isWhitespace)) {
      throw new Malformed("spaces inside the entry");
    }
    String user = null;
    String rest = entry;
    int at = entry.indexOf('@');
    if (at >= 0) {
      user = entry.substring(0, at);
      rest = entry.substring(at + 1);
      if (user.isEmpty()) {
        throw new Malformed("empty user");
      }
      if (rest.indexOf('@') >= 0) {
        throw new Malformed("more than one '@'");
      }
      if (!USER.matcher(user).matches()) {
        throw new Malformed("bad characters in user '" + user + "'");
      }
    }
    if (rest.startsWith("[")) {
      return bracketed(user, rest);
    }
    if (rest.indexOf('[') >= 0 || rest.indexOf(']') >= 0) {
      throw new Malformed("misplaced bracket in '" + rest + "' (only [IPv6] or [IPv6]:port)");
    }
    int colon = rest.indexOf(':');
    if (colon < 0) {
      return new HostSpec(user, hostName(rest), HostSpec.DEFAULT_PORT);
    }
    if (rest.indexOf(':', colon + 1) >= 0) {
      if (!Ipv6.isValid(rest)) {
        throw new Malformed("'" + rest + "' is not an IPv6 address (write [address]:port to give a port)");
      }
      return new HostSpec(user, rest.toLowerCase(Locale.ROOT), HostSpec.DEFAULT_PORT);
    }
    return new HostSpec(user, hostName(rest.substring(0, colon)), port(rest.substring(colon + 1)));
  }

  private static HostSpec bracketed(String user, String rest) throws Malformed {
    int close = rest.indexOf(']');
    if (close < 0) {
      throw new Malformed("unclosed bracket");
    }
    String address = rest.substring(1, close);
    if (address.isEmpty()) {
      throw new Malformed("empty brackets");
    }
    if (!Ipv6.isValid(address)) {
      throw new Malformed("'" + address + "' in brackets is not an IPv6 address");
    }
    String after = rest.substring(close + 1);
    int port = HostSpec.DEFAULT_PORT;
    if (!after.isEmpty()) {
      if (after.charAt(0) != ':') {
        throw new Malformed("unexpected '" + after + "' after ']'");
      }
      port = port(after.substring(1));
    }
    return new HostSpec(user, address.toLowerCase(Locale.ROOT), port);
  }

  private static String hostName(String host) throws Malformed {
    if (host.isEmpty()) {
      throw new Malformed("empty host");
    }
    if (!HOST_CHARS.matcher(host).matches()) {
      throw new Malformed("bad characters in host '" + host + "'");
    }
    if (host.matches("[0-9.]+")) {
      if (!Ipv6.isIpv4(host)) {
        throw new Malformed("'" + host + "' is not an IPv4 address");
      }
      return host;
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new Malformed("malformed host name '" + host + "'");
      }
    }
    return host.toLowerCase(Locale.ROOT);
  }

  private static int port(String text) throws Malformed {
    if (text.isEmpty()) {
      throw new Malformed("empty port");
    }
    if (!text.matches("[0-9]+")) {
      throw new Malformed("port '" + text + "' is not a number");
    }
    int port = text.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new Malformed("port " + text + " out of range 1..65535");
    }
    return port;
  }
}
