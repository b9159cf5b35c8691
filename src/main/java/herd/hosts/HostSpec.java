package herd.hosts;

import java.util.Objects;

/**
 * One target host. {@code user} is null when the entry named none (the SSH default user applies); {@code host} is a
 * lower-cased hostname, IPv4 address, or IPv6 address without brackets.
 *
 * <p>{@link #toString()} is the display form used everywhere hosts are named: {@code [user@]host[:port]}, the port
 * shown only when it is not 22, and an IPv6 address bracketed only when a port follows it ({@code root@[fe80::1]:2222},
 * {@code fe80::1}). That form parses back to an equal spec.
 */
public record HostSpec(String user, String host, int port) {
  public static final int DEFAULT_PORT = 22;

  public HostSpec {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " out of range 1..65535");
    }
  }

  /** True when {@link #host()} is an IPv6 address. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  @Override
  public String toString() {
    String prefix = user == null ? "" : user + "@";
    if (port == DEFAULT_PORT) {
      return prefix + host;
    }
    return prefix + (isIpv6() ? "[" + host + "]" : host) + ":" + port;
  }
}
