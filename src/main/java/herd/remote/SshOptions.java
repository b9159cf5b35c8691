package herd.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How herd connects over SSH: what herd's own options say. Each host is first resolved with OpenSSH's {@code ssh -G}
 * (see {@link SshConfig}); a value given here wins over the ssh config, as ssh's command-line flags do, and a null (or
 * empty, or false) one leaves it to the config.
 *
 * @param defaultUser the user for hosts that name none ({@code -l}), or null for the config's User
 * @param identities the identity files to offer ({@code -i}), or empty for the config's IdentityFile
 * @param knownHosts the known_hosts file to check and record host keys in, or null for the config's
 *     UserKnownHostsFile
 * @param acceptNewHostKeys record unknown host keys (a changed key is still refused), like OpenSSH's {@code
 *     StrictHostKeyChecking=accept-new}; false leaves it to the config
 * @param connectTimeout the time allowed for the TCP connect and the server's SSH banner, as OpenSSH's ConnectTimeout
 *     (not the login after it: see {@link #LOGIN_TIMEOUT}), or null for the config's ConnectTimeout (or {@link
 *     #DEFAULT_CONNECT_TIMEOUT})
 * @param sshConfig the file {@code ssh -G -F} reads, or null for ssh's own ({@code ~/.ssh/config} and {@code
 *     /etc/ssh/ssh_config})
 * @param agent the ssh-agent socket, or null for none; the config's IdentityAgent wins over it
 */
public record SshOptions(
    String defaultUser,
    List<Path> identities,
    Path knownHosts,
    boolean acceptNewHostKeys,
    Duration connectTimeout,
    Path sshConfig,
    Path agent) {
  /**
   * How long each step of an SSH login may take once the server's banner is in: the key exchange, and the server's
   * answer to each authentication request. Generous, so that a controller or host under load is not failed, but
   * bounded, so that a server that stalls mid-login fails. OpenSSH's own client has no such bound; its server gives a
   * login 120 s (LoginGraceTime).
   */
  public static final int LOGIN_TIMEOUT_SECONDS = 60;
  public static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(LOGIN_TIMEOUT_SECONDS);

  /** The connect timeout when neither herd's options nor the ssh config give one. */
  public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS);

  public SshOptions {
    identities = List.copyOf(identities);
    if (connectTimeout != null && (connectTimeout.isNegative() || connectTimeout.isZero())) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
  }

  /** Everything left to the ssh config, and the agent at {@code $SSH_AUTH_SOCK} if it is set. */
  public static SshOptions defaults() {
    String sock = System.getenv("SSH_AUTH_SOCK");
    Path agent = sock == null || sock.isEmpty() ? null : Path.of(sock);
    return new SshOptions(null, List.of(), null, false, null, null, agent);
  }

  public SshOptions withDefaultUser(String user) {
    return new SshOptions(user, identities, knownHosts, acceptNewHostKeys, connectTimeout, sshConfig, agent);
  }

  public SshOptions withIdentities(List<Path> paths) {
    return new SshOptions(defaultUser, paths, knownHosts, acceptNewHostKeys, connectTimeout, sshConfig, agent);
  }

  public SshOptions withKnownHosts(Path path) {
    return new SshOptions(defaultUser, identities, path, acceptNewHostKeys, connectTimeout, sshConfig, agent);
  }

  public SshOptions withAcceptNewHostKeys(boolean accept) {
    return new SshOptions(defaultUser, identities, knownHosts, accept, connectTimeout, sshConfig, agent);
  }

  public SshOptions withConnectTimeout(Duration timeout) {
    return new SshOptions(defaultUser, identities, knownHosts, acceptNewHostKeys, timeout, sshConfig, agent);
  }

  public SshOptions withSshConfig(Path file) {
    return new SshOptions(defaultUser, identities, knownHosts, acceptNewHostKeys, connectTimeout, file, agent);
  }

  public SshOptions withAgent(Path socket) {
    return new SshOptions(defaultUser, identities, knownHosts, acceptNewHostKeys, connectTimeout, sshConfig, socket);
  }
}
