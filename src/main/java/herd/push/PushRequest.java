package herd.push;

import herd.hosts.HostSpec;
import herd.metainfo.Tree;
import herd.remote.SshOptions;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One push: {@code file} to {@code dest} on every host. A directory is pushed whole, as a multi-file torrent, and
 * {@code dest} is then the directory it becomes on each host.
 *
 * @param parallel how many hosts may be connecting or transferring at once; hosts that are done keep serving
 *     without holding a slot
 * @param retries how many more times a host that failed for a retryable reason is tried
 * @param remotePath where hosts cache the peer program ({@code ~/} is the remote user's home)
 * @param timeout the limit for the whole run, or {@link Duration#ZERO} for none
 * @param tls whether peers and the seeder talk TLS with the run's own key (they always prove the run's secret)
 * @param fullCheck whether hosts hash a DEST that already exists even when they remember it as verified and unchanged
 * @param bind the one address the tracker and the seeder listen on, or null for each local address that a host's SSH
 *     connection came in on
 * @param sudo whether the peer runs as root through {@code sudo -n} (the login user's cache still holds its jar)
 * @param jump the bastions every host is reached through, in order (as {@code ssh -J}); empty for each host's
 *     ProxyJump in the ssh config
 * @param excludes for a directory, globs of names and paths below it to leave out
 * @param force for a directory, whether a {@code dest} that exists and is not empty is replaced (else that host fails)
 * @param rateLimit the most bytes a second each host's peer, and the seeder here, upload in all, and the most each
 *     peer downloads; 0 for no limit
 * @param dryRun whether hosts are only checked, and nothing is sent ({@link herd.peer.PeerRun#check})
 * @param attributes for a file, its mode, time and owner on the hosts
 */
public record PushRequest(Path file, String dest, List<HostSpec> hosts, SshOptions ssh, int parallel, int retries,
    PortRange ports, InetAddress bind, boolean sudo, String remotePath, Duration timeout, boolean tls, boolean fullCheck,
    List<HostSpec> jump, List<String> excludes, boolean force, long rateLimit, boolean dryRun, Attributes attributes) {
  public static final int DEFAULT_PARALLEL = 64;
  public static final String DEFAULT_REMOTE_PATH = "~/.cache/herd";

  public PushRequest {
    hosts = List.copyOf(hosts);
    jump = List.copyOf(jump);
    excludes = List.copyOf(excludes);
  }

  /** A request with every option at its default. */
  public static PushRequest of(Path file, String dest, List<HostSpec> hosts) {
    return new PushRequest(file, dest, hosts, SshOptions.defaults(), DEFAULT_PARALLEL, 0, PortRange.ANY, null, false,
        DEFAULT_REMOTE_PATH, Duration.ZERO, true, false, List.of(), Tree.DEFAULT_EXCLUDES, false, 0, false, Attributes.NONE);
  }

  /** Checks everything that can be checked before connecting anywhere. */
  public void validate() throws InvalidPushException {
    if (!Files.exists(file)) throw new InvalidPushException("no such file: " + file);
    if (!Files.isRegularFile(file) && !Files.isDirectory(file)) {
      throw new InvalidPushException("not a regular file or a directory: " + file);
    }
    if (Files.isDirectory(file) && file.toAbsolutePath().normalize().getFileName() == null) {
      throw new InvalidPushException("cannot push / itself");
    }
    if (!Files.isReadable(file)) throw new InvalidPushException("cannot read " + file);
    if (!dest.startsWith("/")) throw new InvalidPushException("DEST must be an absolute path: " + dest);
    if (dest.indexOf('\0') >= 0 || dest.contains("\n")) throw new InvalidPushException("DEST has a control character");
    if (hosts.isEmpty()) throw new InvalidPushException("no hosts given");
    if (parallel < 1) throw new InvalidPushException("--parallel must be at least 1");
    if (retries < 0) throw new InvalidPushException("--retry must not be negative");
    if (timeout.isNegative()) throw new InvalidPushException("--timeout must not be negative");
    if (rateLimit < 0) throw new InvalidPushException("--limit-rate must not be negative");
    attributes.validate();
    if (Files.isDirectory(file) && !attributes.equals(Attributes.NONE)) {
      throw new InvalidPushException("-p, --chmod and --chown are for a file; a directory's entries get the source's permission bits");
    }
    if (ports.low() != 0 && ports.high() == ports.low()) {
      throw new InvalidPushException("--port needs a range of at least two ports (tracker and seeder)");
    }
  }
}
