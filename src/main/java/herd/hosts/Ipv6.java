package herd.hosts;

/** Textual IPv6 address validation (RFC 4291 section 2.2 forms, optional {@code %zone}), without any DNS. */
final class Ipv6 {
  private Ipv6() {}

  static boolean isValid(String text) {
    String address = text;
    int percent = text.indexOf('%');
    if (percent >= 0) {
      String zone = text.substring(percent + 1);
      if (!zone.matches("[A-Za-z0-9._-]+")) {
        return false;
      }
      address = text.substring(0, percent);
    }
    int gap = address.indexOf("::");
    if (gap >= 0 && address.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    if (gap < 0) {
      return groups(address, true) == 8;
    }
    String head = address.substring(0, gap);
    String tail = address.substring(gap + 2);
    int headGroups = head.isEmpty() ? 0 : groups(head, false);
    int tailGroups = tail.isEmpty() ? 0 : groups(tail, true);
    return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
  }

  /** Counts the 16-bit groups in a colon-separated run, or -1 if malformed; a trailing IPv4 part counts as two. */
  private static int groups(String run, boolean ipv4AllowedLast) {
    String[] parts = run.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (ipv4AllowedLast && i == parts.length - 1 && part.indexOf('.') >= 0) {
        if (!isIpv4(part)) {
          return -1;
        }
        count += 2;
      } else if (part.matches("[0-9A-Fa-f]{1,4}")) {
        count++;
      } else {
        return -1;
      }
    }
    return count;
  }

  static boolean isIpv4(String text) {
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }
}
