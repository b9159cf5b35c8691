package herd.remote;

import herd.hosts.HostList;
import herd.hosts.HostListException;
import herd.hosts.HostSpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What OpenSSH's own resolver, {@code ssh -G HOST}, says about a host: herd reads the {@code key value} lines it prints
 * and never parses an ssh_config itself. {@link #resolve} merges them with herd's {@link SshOptions} into a {@link
 * ResolvedHost}.
 */
public final class SshConfig {
  private static final Logger log = LoggerFactory.getLogger(SshConfig.class);
  /** {@code ssh -G} only reads files, unless a {@code Match exec} runs a command: that command gets this long. */
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final List<String> FALLBACK_IDENTITIES = List.of("~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa");
  private static final AtomicBoolean toldNoSsh = new AtomicBoolean();

  private final Map<String, List<String>> values;

  private SshConfig(Map<String, List<String>> values) {
    this.values = values;
  }

  /** Reads {@code ssh -G}'s output: one {@code key value} per line, keys in lower case, some keys repeated. */
  static SshConfig parse(String output) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        String key = line.substring(0, space).toLowerCase(Locale.ROOT);
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(line.substring(space + 1).strip());
      }
    }
    return new SshConfig(values);
  }

  /**
   * Runs {@code ssh -G} for {@code host} with stdin from /dev/null, passing {@code -l user} and {@code -p port} when
   * given (so {@code Match user} and {@code %r} see them, as with ssh) and {@code -F configFile} when not null. Returns
   * null if there is no {@code ssh} program.
   */
  static SshConfig query(String host, String user, Integer port, Path configFile, String program)
      throws RemoteException {
    List<String> command = new ArrayList<>(List.of(program, "-G"));
    if (configFile != null) command.addAll(List.of("-F", configFile.toString()));
    if (user != null) command.addAll(List.of("-l", user));
    if (port != null) command.addAll(List.of("-p", String.valueOf(port)));
    command.add(host);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
    } catch (IOException e) {
      if (!toldNoSsh.getAndSet(true)) {
        log.debug("no ssh program ({}): ~/.ssh/config is not read, herd's own defaults apply", e.getMessage());
      }
      return null;
    }
    AtomicBoolean killed = new AtomicBoolean();
    CompletableFuture.delayedExecutor(LIMIT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (process.isAlive()) {
        killed.set(true);
        process.destroyForcibly();
      }
    });
    try {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = process.waitFor();
      if (killed.get()) {
        throw new RemoteException(RemoteException.Kind.LOCAL,
            "`ssh -G " + host + "` gave no answer within " + ConnectFailures.format(LIMIT));
      }
      if (status != 0) {
        String said = err.strip().lines().reduce((a, b) -> b).map(line -> ": " + line).orElse("");
        throw new RemoteException(RemoteException.Kind.LOCAL, "`ssh -G " + host + "` failed (exit " + status + ")" + said);
      }
      return parse(out);
    } catch (IOException e) {
      throw new RemoteException(RemoteException.Kind.LOCAL, "reading `ssh -G " + host + "`: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.Kind.LOCAL, "interrupted while resolving " + host + " with ssh -G");
    } finally {
      process.destroy();
    }
  }

  /** The first value of {@code key}, or null. */
  String first(String key) {
    List<String> list = values.get(key);
    return list == null || list.isEmpty() ? null : list.get(0);
  }

  /** Every value of a repeated {@code key} (such as identityfile), in order. */
  List<String> all(String key) {
    return values.getOrDefault(key, List.of());
  }

  /** The space-separated words of {@code key}'s first value (such as userknownhostsfile). */
  List<String> words(String key) {
    String value = first(key);
    return value == null || value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
  }

  /**
   * Resolves {@code host} as ssh would, with herd's options winning over the config. Without an {@code ssh} program,
   * herd's own defaults apply: the host as written, the local user, {@code ~/.ssh/id_ed25519}, {@code id_ecdsa},
   * {@code id_rsa} and {@code ~/.ssh/known_hosts}.
   */
  public static ResolvedHost resolve(HostSpec host, SshOptions opts) throws RemoteException {
    return resolve(host, opts, "ssh");
  }

  static ResolvedHost resolve(HostSpec host, SshOptions opts, String program) throws RemoteException {
    String user = host.user() != null ? host.user() : opts.defaultUser();
    // HostSpec cannot tell ":22" from no port: 22 is left to the config, like no port.
    Integer port = host.port() != HostSpec.DEFAULT_PORT ? host.port() : null;
    SshConfig config = query(host.host(), user, port, opts.sshConfig(), program);
    if (config == null) {
      config = parse("");
    }
    return config.merge(host, user, opts);
  }

  /** {@code user} is the host's or {@code -l}'s, or null for the config's (ssh -G's default is the local user). */
  private ResolvedHost merge(HostSpec host, String user, SshOptions opts) throws RemoteException {
    if (user == null) user = first("user") != null ? first("user") : System.getProperty("user.name");
    String hostName = first("hostname") != null ? first("hostname") : host.host();
    int port = first("port") != null ? parsePort(first("port")) : host.port();

    List<Path> identities;
    if (!opts.identities().isEmpty()) {
      identities = opts.identities();
    } else {
      List<String> named = values.containsKey("identityfile") ? all("identityfile") : FALLBACK_IDENTITIES;
      identities = new ArrayList<>();
      for (String file : named) {
        Path path = Path.of(expand(file, host, hostName, user, port));
        if (Files.isRegularFile(path) && !identities.contains(path)) identities.add(path);
      }
    }

    List<Path> knownHosts = new ArrayList<>();
    if (opts.knownHosts() != null) {
      knownHosts.add(opts.knownHosts());
    } else if (values.containsKey("userknownhostsfile")) {
      for (String file : words("userknownhostsfile")) knownHosts.add(Path.of(expand(file, host, hostName, user, port)));
    } else {
      knownHosts.add(home().resolve(".ssh/known_hosts"));
    }
    List<Path> globalKnownHosts = new ArrayList<>();
    for (String file : words("globalknownhostsfile")) {
      Path path = Path.of(expand(file, host, hostName, user, port));
      if (Files.isRegularFile(path)) globalKnownHosts.add(path);
    }

    String strict = first("stricthostkeychecking");
    boolean acceptNew = opts.acceptNewHostKeys()
        || "accept-new".equals(strict) || "false".equals(strict) || "no".equals(strict) || "off".equals(strict);

    Duration timeout = opts.connectTimeout();
    if (timeout == null) {
      String configured = first("connecttimeout");
      timeout = configured == null || configured.equals("none") || configured.equals("0")
          ? SshOptions.DEFAULT_CONNECT_TIMEOUT : Duration.ofSeconds(parseSeconds(configured));
    }

    List<HostSpec> jumps = List.of();
    String proxyJump = first("proxyjump");
    if (proxyJump != null && !proxyJump.equals("none")) {
      try {
        // ssh -G prints a single numeric jump host in brackets even when it is IPv4: [10.0.0.5]:2222.
        jumps = HostList.parseChain(proxyJump.replace("ssh://", "").replaceAll("\\[([^]:]*)]", "$1"), "ProxyJump");
      } catch (HostListException e) {
        throw new RemoteException(RemoteException.Kind.LOCAL, e.getMessage());
      }
    }

    Path agent = opts.agent();
    String identityAgent = first("identityagent");
    if (identityAgent != null && !identityAgent.equals("SSH_AUTH_SOCK")) {
      agent = identityAgent.equals("none") ? null : Path.of(expand(identityAgent, host, hostName, user, port));
    }
    return new ResolvedHost(hostName, port, user, identities, "yes".equals(first("identitiesonly")), knownHosts,
        globalKnownHosts, acceptNew, timeout, jumps, agent);
  }

  /**
   * Expands {@code ~} and the tokens OpenSSH allows in IdentityFile and friends that {@code ssh -G} leaves as they are:
   * {@code %d} (local home), {@code %u} (local user), {@code %r} (remote user), {@code %h} (host name), {@code %n}
   * (the host as written), {@code %p} (port), {@code %%}. Any other token is left as it is.
   */
  static String expand(String path, HostSpec host, String hostName, String user, int port) {
    String home = home().toString();
    String text = path.equals("~") ? home : path.startsWith("~/") ? home + path.substring(1) : path;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char token = text.charAt(++i);
      switch (token) {
        case '%' -> out.append('%');
        case 'd' -> out.append(home);
        case 'u' -> out.append(System.getProperty("user.name"));
        case 'r' -> out.append(user);
        case 'h' -> out.append(hostName);
        case 'n' -> out.append(host.host());
        case 'p' -> out.append(port);
        default -> out.append('%').append(token);
      }
    }
    return out.toString();
  }

  private static Path home() {
    return Path.of(System.getProperty("user.home"));
  }

  private static int parsePort(String value) throws RemoteException {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new RemoteException(RemoteException.Kind.LOCAL, "ssh -G printed port " + value);
    }
  }

  private static long parseSeconds(String value) throws RemoteException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new RemoteException(RemoteException.Kind.LOCAL, "ssh -G printed connecttimeout " + value);
    }
  }
}
