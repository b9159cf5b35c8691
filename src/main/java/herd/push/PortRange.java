package herd.push;

/** The ports herd may listen on, {@code PORT} or {@code LO-HI}; 0 means any free port. */
public record PortRange(int low, int high) {
  public static final PortRange ANY = new PortRange(0, 0);

  public PortRange {
    if (low < 0 || high > 65535 || low > high || (low == 0 && high != 0)) {
      throw new IllegalArgumentException("bad port range " + low + "-" + high);
    }
  }

  /** Parses {@code PORT} or {@code LO-HI}. */
  public static PortRange parse(String text) {
    String[] parts = text.trim().split("-", -1);
    try {
      if (parts.length == 1) {
        int p = Integer.parseInt(parts[0]);
        return new PortRange(p, p);
      }
      if (parts.length == 2) return new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("expected PORT or LO-HI, got '" + text + "'");
  }

  @Override
  public String toString() {
    return low == 0 ? "any" : low == high ? String.valueOf(low) : low + "-" + high;
  }
}
