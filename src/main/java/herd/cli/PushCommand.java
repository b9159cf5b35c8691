package herd.cli;

import herd.events.PushListener;
import herd.hosts.HostList;
import herd.hosts.HostListException;
import herd.hosts.HostSpec;
import herd.metainfo.Tree;
import herd.push.Attributes;
import herd.push.InvalidPushException;
import herd.push.PortRange;
import herd.push.Push;
import herd.push.PushRequest;
import herd.push.PushResult;
import herd.remote.SshOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code herd [push] FILE DEST [HOSTS_FILE]}: the push command. */
@Command(
    name = "push",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Push FILE to DEST on many hosts at once: herd starts a tracker and a seeder here, starts a small peer "
          + "program on every host over SSH, and the hosts share the file's pieces among themselves over "
          + "BitTorrent. Each host verifies every piece, then renames the file into place.",
      "",
      "Hosts come from HOSTS_FILE (one [user@]host[:port] per line, # comments), from --hostlist, or from "
          + "stdin when HOSTS_FILE is - or absent and stdin is not a terminal.",
      "",
      "`herd FILE DEST [HOSTS_FILE]` is short for `herd push FILE DEST [HOSTS_FILE]`."
    })
final class PushCommand implements Callable<Integer> {
  private static final Pattern FILE_EXTENSION = Pattern.compile("(?i)\\.(txt|list|lst|hosts|conf|cfg|csv|ini)$");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE|DIR", description = "The local file, or directory, to push.")
  Path file;

  @Parameters(index = "1", paramLabel = "DEST",
      description = "Absolute path on every host. For a file, an existing directory or a path ending in / receives it "
          + "under its own name. For a directory, DEST becomes that directory (its content, not the directory inside it).")
  String dest;

  @Parameters(index = "2", arity = "0..1", paramLabel = "HOSTS_FILE", description = "File listing the hosts, or - for stdin.")
  String hostsFile;

  @Option(names = "--hostlist", paramLabel = "H1,H2,...", description = "Comma-separated hosts instead of HOSTS_FILE.")
  String hostlist;

  @Option(names = "--tag", paramLabel = "TAG", description = "Place the push at DEST/TAG, as Murder does (DEST/v42, say).")
  String tag;

  @Option(names = "--force",
      description = "For a directory: replace a DEST that exists and is not empty (else that host fails). The old tree "
          + "stays whole until the new one is complete, then the new one is renamed in.")
  boolean force;

  @Option(names = "--exclude", paramLabel = "PATTERN",
      description = "For a directory: leave out names or paths below it matching this glob; repeatable (default: .git).")
  List<String> excludes = new ArrayList<>(Tree.DEFAULT_EXCLUDES);

  @Option(names = {"-F", "--ssh-config"}, paramLabel = "FILE",
      description = "ssh_config file to resolve hosts with, as ssh -F; none for no file (default: ssh's own, ~/.ssh/config and /etc/ssh/ssh_config). "
          + "herd asks `ssh -G HOST` for HostName, User, Port, IdentityFile, IdentitiesOnly, UserKnownHostsFile, "
          + "StrictHostKeyChecking, ConnectTimeout and IdentityAgent; the options below win over it, as ssh's do.")
  Path sshConfig;

  @Option(names = {"-l", "--user"}, paramLabel = "USER",
      description = "SSH user for hosts that name none (default: the ssh config's User, else ${sys:user.name}).")
  String user;

  @Option(names = {"-i", "--identity"}, paramLabel = "FILE", showDefaultValue = Help.Visibility.NEVER,
      description = "Private key to authenticate with, instead of the ssh config's IdentityFile; repeatable (default: "
          + "the config's, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa). Keys in ssh-agent ($SSH_AUTH_SOCK) are tried first. "
          + "An encrypted key is asked for its passphrase once, on a terminal; elsewhere load it into ssh-agent.")
  List<Path> identities = new ArrayList<>();

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "known_hosts file to verify host keys against (default: the ssh config's UserKnownHostsFile, else ~/.ssh/known_hosts).")
  Path knownHosts;

  @Option(names = "--accept-new-host-keys",
      description = "Record the keys of hosts missing from known_hosts (like OpenSSH's accept-new; also the default when the ssh config "
          + "says StrictHostKeyChecking accept-new or no); a changed key is always refused.")
  boolean acceptNewHostKeys;

  @Option(names = {"-J", "--jump"}, paramLabel = "[USER@]HOST[:PORT][,...]",
      description = "Reach every host through these bastions, in order, as ssh -J does (it replaces the ssh config's "
          + "ProxyJump): one login to each bastion carries every host's connection. A bastion without USER@ logs in as "
          + "its config's User, else the local user.")
  String jump;

  @Option(names = "--parallel", paramLabel = "N", description = "Hosts connecting or transferring at once.")
  int parallel = PushRequest.DEFAULT_PARALLEL;

  @Option(names = "--retry", paramLabel = "N", description = "Retries for a host that failed for a transient reason.")
  int retry;

  @Option(names = "--port", paramLabel = "PORT|LO-HI", description = "Ports the tracker and seeder listen on (default: any free port).")
  String port;

  @Option(names = "--bind", paramLabel = "ADDRESS",
      description = "The one address the tracker and seeder listen on, 0.0.0.0 or :: for all "
          + "(default: each local address a host's SSH connection came in on).")
  String bind;

  @Option(names = "--remote-path", paramLabel = "DIR", description = "Where hosts cache the peer program.")
  String remotePath = PushRequest.DEFAULT_REMOTE_PATH;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", showDefaultValue = Help.Visibility.NEVER,
      description = "Time allowed for the TCP connect to one host and its SSH banner, like OpenSSH's ConnectTimeout; "
          + "the login after it has its own bound, " + SshOptions.LOGIN_TIMEOUT_SECONDS + " s per step (default: the ssh config's ConnectTimeout, else "
          + SshOptions.DEFAULT_CONNECT_TIMEOUT_SECONDS + ").")
  Integer connectTimeout;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time allowed for the whole run; 0 means no limit.")
  int timeout;

  @Mixin CommonOptions.RateLimit rateLimit;

  @Option(names = "--no-tls",
      description = "Send the file between hosts unencrypted (peers still prove they belong to the run). Faster on slow CPUs.")
  boolean noTls;

  @Option(names = "--full-check",
      description = "Read and hash a DEST that already exists, even if the host remembers it as verified and unchanged.")
  boolean fullCheck;

  @Option(names = "--sudo",
      description = "Run the peer program on each host as root through sudo -n, so a login user that is not root can write DEST; sudo must not want a password.")
  boolean sudo;

  @Option(names = {"-v", "--verbose"}, description = "Log what happens, for debugging.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "Print only failures.")
  boolean quiet;

  @Option(names = {"-p", "--preserve"}, description = "For a file: give it the source's modification time on every host.")
  boolean preserve;

  @Option(names = "--chmod", paramLabel = "MODE",
      description = "For a file: give it these permission bits, in octal (644), instead of the source's.")
  String chmod;

  // OWNER, not USER[:GROUP]: AsciiDoc (the man page) reads "[:GROUP]_" as a role
  @Option(names = "--chown", paramLabel = "OWNER",
      description = "For a file: give it this owner, as USER, USER:GROUP or :GROUP for the group alone; another user than the login's "
          + "needs root (--sudo). Without it, a DEST that exists keeps its owner and group where the login may keep them.")
  String chown;

  @Option(names = {"-n", "--dry-run"},
      description = "Send nothing: log in to every host and report what a push would meet there (the Java found, free "
          + "space beside DEST against the content's size, whether DEST's directory is writable, whether DEST already "
          + "holds this content). Exits as the push would.")
  boolean dryRun;

  @Option(names = "--json",
      description = "Write every event of the run on stdout as a line of JSON (the README has the schema); the "
          + "human output stays on stderr.")
  boolean json;

  private final InputStream stdin;

  PushCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(verbose);
    PushRequest request = request();
    PushListener listener = new ProgressRenderer(spec.commandLine().getErr(), Terminal.isTerminal(2) ? Terminal.columns() : 0, quiet);
    if (json) {
      PushListener human = listener;
      JsonEvents machine = new JsonEvents(spec.commandLine().getOut(), Clock.systemUTC());
      listener = event -> {
        machine.on(event);
        human.on(event);
      };
    }
    PushResult result = Push.run(request, listener);
    return (result.allDone() ? ExitStatus.OK : ExitStatus.HOSTS_FAILED).code;
  }

  private PushRequest request() throws IOException, InvalidPushException {
    if (connectTimeout != null && connectTimeout < 1) throw new InvalidPushException("--connect-timeout must be at least 1 second");
    SshOptions ssh = SshOptions.defaults().withIdentities(identities).withAcceptNewHostKeys(acceptNewHostKeys)
        .withDefaultUser(user).withKnownHosts(knownHosts).withSshConfig(sshConfig)
        .withConnectTimeout(connectTimeout == null ? null : Duration.ofSeconds(connectTimeout));
    if (sshConfig != null && !sshConfig.toString().equals("none") && !Files.isReadable(sshConfig)) {
      throw new InvalidPushException("cannot read ssh config " + sshConfig);
    }
    for (Path id : identities) {
      if (!Files.isReadable(id)) throw new InvalidPushException("cannot read identity file " + id);
    }
    PortRange ports;
    try {
      ports = port == null ? PortRange.ANY : PortRange.parse(port);
    } catch (IllegalArgumentException e) {
      throw new InvalidPushException("--port: " + e.getMessage());
    }
    return new PushRequest(file, destination(), hosts(), ssh, parallel, retry, ports, bindAddress(), sudo, remotePath,
        Duration.ofSeconds(timeout), !noTls, fullCheck, jumps(), excludes, force, rateLimit.bytesPerSecond, dryRun, attributes());
  }

  private Attributes attributes() throws InvalidPushException {
    Integer mode = null;
    if (chmod != null) {
      if (!chmod.matches("0?[0-7]{3}")) throw new InvalidPushException("--chmod takes an octal mode such as 644: " + chmod);
      mode = Integer.parseInt(chmod, 8);
    }
    return new Attributes(mode, preserve, chown);
  }

  /** DEST, or DEST/TAG with --tag. */
  private String destination() throws InvalidPushException {
    if (tag == null) return dest;
    if (tag.isEmpty() || tag.contains("/") || tag.equals(".") || tag.equals("..") || tag.indexOf('\0') >= 0) {
      throw new InvalidPushException("--tag must be one path component: " + tag);
    }
    return (dest.endsWith("/") ? dest : dest + "/") + tag;
  }

  private List<HostSpec> jumps() throws InvalidPushException {
    try {
      return jump == null ? List.of() : HostList.parseChain(jump, "--jump");
    } catch (HostListException e) {
      throw new InvalidPushException(e.getMessage());
    }
  }

  private InetAddress bindAddress() throws InvalidPushException {
    if (bind == null) return null;
    try {
      return InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new InvalidPushException("--bind: no such address " + bind);
    }
  }

  private List<HostSpec> hosts() throws IOException, InvalidPushException {
    try {
      if (hostlist != null) {
        if (hostsFile != null) throw new InvalidPushException("give either HOSTS_FILE or --hostlist, not both");
        return HostList.parseList(hostlist);
      }
      if ("-".equals(hostsFile) || (hostsFile == null && !Terminal.isTerminal(0))) {
        return HostList.parseLines(new String(stdin.readAllBytes(), StandardCharsets.UTF_8), "stdin");
      }
      if (hostsFile == null) {
        throw new InvalidPushException("no hosts: give HOSTS_FILE, --hostlist, or a host list on stdin");
      }
      Path path = Path.of(hostsFile);
      if (!Files.exists(path) && looksLikeHosts(hostsFile)) {
        throw new InvalidPushException("no hosts file " + hostsFile + " (did you mean --hostlist " + hostsFile + "?)");
      }
      if (!Files.isReadable(path)) throw new InvalidPushException("cannot read hosts file " + hostsFile);
      return HostList.parseLines(Files.readString(path), hostsFile);
    } catch (HostListException e) {
      throw new InvalidPushException(e.getMessage());
    }
  }

  /**
   * Whether a HOSTS_FILE argument that names no file was probably meant as hosts: it has no directory part, no file
   * name extension such as .txt, and reads as a --hostlist value ({@code web1}, {@code root@web1:2222,web2}).
   */
  private static boolean looksLikeHosts(String name) {
    if (name.contains("/") || FILE_EXTENSION.matcher(name).find()) return false;
    try {
      HostList.parseList(name);
      return true;
    } catch (HostListException e) {
      return false;
    }
  }

}
