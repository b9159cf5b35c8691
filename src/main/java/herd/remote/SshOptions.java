package herd.remote;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How herd connects over SSH. {@code defaultUser} is used for hosts that name no user. An empty {@code identities}
 * list means the usual {@code ~/.ssh/id_ed25519}, {@code id_ecdsa} and {@code id_rsa}, those that exist. With {@code
 * acceptNewHostKeys}, a host missing from {@code knownHosts} has its key recorded there (a changed key is still
 * refused), like OpenSSH's {@code StrictHostKeyChecking=accept-new}. {@code connectTimeout} means what OpenSSH's
 * ConnectTimeout means: the TCP connect and the server's SSH banner, not the login after it (see {@link
 * #LOGIN_TIMEOUT}).
 */
public record SshOptions(
    String defaultUser, List<Path> identities, Path knownHosts, boolean acceptNewHostKeys, Duration connectTimeout) {
  /**
   * How long each step of an SSH login may take once the server's banner is in: the key exchange, and the server's
   * answer to each authentication request. Generous, so that a controller or host under load is not failed, but
   * bounded, so that a server that stalls mid-login fails. OpenSSH's own client has no such bound; its server gives a
   * login 120 s (LoginGraceTime).
   */
  public static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(60);

  private static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

  public SshOptions {
    Objects.requireNonNull(defaultUser, "defaultUser");
    identities = List.copyOf(identities);
    Objects.requireNonNull(knownHosts, "knownHosts");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
  }

  /** The current user, default identities, {@code ~/.ssh/known_hosts}, new host keys refused, 10 s to connect. */
  public static SshOptions defaults() {
    return new SshOptions(
        System.getProperty("user.name"), List.of(), sshDir().resolve("known_hosts"), false, Duration.ofSeconds(10));
  }

  public SshOptions withDefaultUser(String user) {
    return new SshOptions(user, identities, knownHosts, acceptNewHostKeys, connectTimeout);
  }

  public SshOptions withIdentities(List<Path> paths) {
    return new SshOptions(defaultUser, paths, knownHosts, acceptNewHostKeys, connectTimeout);
  }

  public SshOptions withKnownHosts(Path path) {
    return new SshOptions(defaultUser, identities, path, acceptNewHostKeys, connectTimeout);
  }

  public SshOptions withAcceptNewHostKeys(boolean accept) {
    return new SshOptions(defaultUser, identities, knownHosts, accept, connectTimeout);
  }

  public SshOptions withConnectTimeout(Duration timeout) {
    return new SshOptions(defaultUser, identities, knownHosts, acceptNewHostKeys, timeout);
  }

  /** The identity files to offer: {@link #identities()}, or the default ones that exist. */
  List<Path> effectiveIdentities() {
    if (!identities.isEmpty()) {
      return identities;
    }
    return DEFAULT_IDENTITIES.stream().map(sshDir()::resolve).filter(Files::isRegularFile).toList();
  }

  private static Path sshDir() {
    return Path.of(System.getProperty("user.home"), ".ssh");
  }
}
