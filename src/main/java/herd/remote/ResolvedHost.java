package herd.remote;

import herd.hosts.HostSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to reach one host, after {@link SshConfig#resolve}: the ssh config's values with herd's options over them.
 *
 * @param hostName the name or address to connect to (the config's HostName, or the host as written)
 * @param identities identity files that exist, in the order to offer them
 * @param identitiesOnly offer only agent keys that match one of {@code identities} (IdentitiesOnly)
 * @param knownHosts the user's known_hosts files: all are read, new keys go to the first
 * @param globalKnownHosts known_hosts files that are only read (GlobalKnownHostsFile, those that exist)
 * @param acceptNewHostKeys record unknown host keys (StrictHostKeyChecking accept-new or no); a changed key is
 *     always refused
 * @param proxyJump the ProxyJump hosts in order, empty for a direct connection
 * @param agent the ssh-agent socket, or null for none
 */
public record ResolvedHost(
    String hostName,
    int port,
    String user,
    List<Path> identities,
    boolean identitiesOnly,
    List<Path> knownHosts,
    List<Path> globalKnownHosts,
    boolean acceptNewHostKeys,
    Duration connectTimeout,
    List<HostSpec> proxyJump,
    Path agent) {
  public ResolvedHost {
    identities = List.copyOf(identities);
    knownHosts = List.copyOf(knownHosts);
    globalKnownHosts = List.copyOf(globalKnownHosts);
    proxyJump = List.copyOf(proxyJump);
  }
}
