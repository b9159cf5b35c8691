package herd.remote;

import herd.hosts.HostSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authenticated SSH connection to one host. Host keys are checked against {@link SshOptions#knownHosts()} (hosts on
 * a port other than 22 are looked up as {@code [host]:port}); authentication is by public key only.
 *
 * <p>Commands run through the remote user's shell, as with {@code ssh host command}. The java checks run under a
 * login shell ({@code sh -l}), so a java put on the PATH by {@code /etc/profile} or {@code ~/.profile} is found; start
 * the peer with {@link #javaPath()} to run that same java. Use one thread per session for these calls; a {@link
 * RemoteProcess}'s streams may be used from other threads.
 */
public final class RemoteSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteSession.class);
  private static final int MIN_JAVA = 17;
  private static final long CLOSE_WAIT_SECONDS = 30;

  private final HostSpec host;
  private final String user;
  private final SSHClient client;
  private Probe javaProbe;

  private RemoteSession(HostSpec host, String user, SSHClient client) {
    this.host = host;
    this.user = user;
    this.client = client;
  }

  /**
   * Connects and authenticates as the host's user, or {@link SshOptions#defaultUser()}. An unknown host key fails with
   * HOST_KEY_UNKNOWN unless {@link SshOptions#acceptNewHostKeys()}, in which case it is appended to the known_hosts
   * file (created if missing); a changed key always fails with HOST_KEY_CHANGED.
   */
  public static RemoteSession connect(HostSpec host, SshOptions opts) throws RemoteException {
    String user = host.user() != null ? host.user() : opts.defaultUser();
    List<Path> identities = opts.effectiveIdentities();
    if (identities.isEmpty()) {
      throw new RemoteException(
          RemoteException.Kind.AUTH_FAILED, "no SSH identity: none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa exists");
    }
    KnownHostsVerifier verifier = KnownHostsVerifier.load(opts.knownHosts(), opts.acceptNewHostKeys());
    SSHClient client = new SSHClient();
    try {
      List<KeyProvider> keys = loadKeys(client, identities);
      client.addHostKeyVerifier(verifier);
      client.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, opts.connectTimeout().toMillis()));
      try {
        client.connect(host.host(), host.port());
      } catch (IOException e) {
        throw verifier.refusal() != null ? verifier.refusal() : ConnectFailures.unreachable(e, opts.connectTimeout());
      }
      try {
        client.authPublickey(user, keys);
      } catch (UserAuthException e) {
        String tried = identities.stream().map(Path::toString).collect(Collectors.joining(", "));
        throw new RemoteException(
            RemoteException.Kind.AUTH_FAILED, "authentication failed for " + user + " (tried " + tried + ")", e);
      } catch (IOException e) {
        throw ConnectFailures.unreachable(e, opts.connectTimeout());
      }
      log.debug("{}: connected as {}", host, user);
      return new RemoteSession(host, user, client);
    } catch (RemoteException e) {
      disconnect(client);
      throw e;
    }
  }

  private static List<KeyProvider> loadKeys(SSHClient client, List<Path> identities) throws RemoteException {
    List<KeyProvider> keys = new ArrayList<>();
    for (Path identity : identities) {
      try {
        keys.add(client.loadKeys(identity.toString()));
      } catch (IOException e) {
        throw new RemoteException(
            RemoteException.Kind.LOCAL, "cannot read identity " + identity + ": " + e.getMessage(), e);
      }
    }
    return keys;
  }

  /** The user this session logged in as. */
  public String user() {
    return user;
  }

  /** The local address of this connection's socket: the address the host reaches this machine at. */
  public InetAddress localAddress() {
    return client.getLocalAddress();
  }

  /**
   * The major version of the java a login shell finds on the host. Fails with NO_JAVA if there is none (or it says no
   * version), OLD_JAVA if it is older than 17.
   */
  public synchronized int javaVersion() throws RemoteException {
    if (javaProbe == null) {
      javaProbe = Probe.parse(run("sh -lc " + Shell.quote(Probe.javaScript()), "checking java"));
    }
    return checkJava(javaProbe);
  }

  /** The absolute path of the java that {@link #javaVersion()} checks (checking it first if not yet done). */
  public synchronized String javaPath() throws RemoteException {
    javaVersion();
    return javaProbe.javaPath();
  }

  /**
   * Makes sure {@code jar} is cached on the host as {@code <remoteDir>/herd-peer-<first 16 hex of its sha256>.jar};
   * {@code remoteDir} may start with {@code ~/}, and a relative one is under the remote home. A file already there with
   * the right size is trusted; otherwise the jar is uploaded to a temporary name and moved into place, so concurrent
   * runs never see a partial jar. The same round trip checks java, failing as {@link #javaVersion()} does before any
   * upload.
   */
  public synchronized PeerJar ensureJar(byte[] jar, String remoteDir) throws RemoteException {
    String name = "herd-peer-" + HexFormat.of().formatHex(sha256(jar)).substring(0, 16) + ".jar";
    Probe probe = Probe.parse(run("sh -lc " + Shell.quote(Probe.jarScript(remoteDir, name)), "checking the peer jar"));
    javaProbe = probe;
    checkJava(probe);
    String path = probe.dir().endsWith("/") ? probe.dir() + name : probe.dir() + "/" + name;
    if (probe.jarSize() == jar.length) {
      log.debug("{}: {} already cached", host, path);
      return new PeerJar(path, false);
    }
    upload(jar, probe.dir(), name);
    log.debug("{}: uploaded {} ({} bytes)", host, path, jar.length);
    return new PeerJar(path, true);
  }

  private static int checkJava(Probe probe) throws RemoteException {
    if (probe.javaPath() == null) {
      throw new RemoteException(RemoteException.Kind.NO_JAVA, "java not found");
    }
    OptionalInt major = JavaVersions.major(probe.versionOutput());
    if (major.isEmpty()) {
      String said = probe.versionOutput().lines().findFirst().orElse("nothing");
      throw new RemoteException(
          RemoteException.Kind.NO_JAVA, "cannot tell the version of " + probe.javaPath() + ", which said: " + said);
    }
    if (major.getAsInt() < MIN_JAVA) {
      throw new RemoteException(
          RemoteException.Kind.OLD_JAVA,
          "java " + major.getAsInt() + " found (" + probe.javaPath() + "), " + MIN_JAVA + " or newer needed");
    }
    return major.getAsInt();
  }

  private void upload(byte[] jar, String dir, String name) throws RemoteException {
    String script = "dir=" + Shell.quote(dir) + "; target=\"$dir\"/" + Shell.quote(name)
        + "; tmp=\"$target.$$.tmp\"; trap 'rm -f \"$tmp\"' EXIT"
        + "; mkdir -p \"$dir\" && cat > \"$tmp\" && size=$(wc -c < \"$tmp\")"
        + " && if [ \"$size\" -eq " + jar.length + " ]; then mv -f \"$tmp\" \"$target\";"
        + " else echo \"received $size of " + jar.length + " bytes\" >&2; exit 1; fi";
    String what = "uploading the peer jar to " + dir;
    try {
      Session.Command command = exec("sh -c " + Shell.quote(script));
      try {
        IOException writeFailure = null;
        try (OutputStream stdin = command.getOutputStream()) {
          stdin.write(jar);
          // sshj's close() sends only what the remote window allows before its EOF; flush() waits for the window.
          stdin.flush();
        } catch (IOException e) {
          writeFailure = e;
        }
        finish(command, what);
        if (writeFailure != null) {
          throw writeFailure;
        }
      } finally {
        closeQuietly(command);
      }
    } catch (IOException e) {
      throw failure(what, e);
    }
  }

  /**
   * Starts {@code command}; closing the returned process closes its channel. Use {@link Shell#quote(String)} for
   * arguments.
   */
  public RemoteProcess start(String command) throws RemoteException {
    try {
      return new RemoteProcess(exec(command));
    } catch (IOException e) {
      throw failure("starting `" + command + "`", e);
    }
  }

  /**
   * Runs {@code command} with empty stdin and returns its stdout; fails with COMMAND_FAILED, quoting stderr, if it
   * exits non-zero. Output is buffered in memory: for short commands only.
   */
  public String run(String command) throws RemoteException {
    return run(command, "`" + command + "`");
  }

  private String run(String command, String what) throws RemoteException {
    try {
      Session.Command running = exec(command);
      try {
        running.getOutputStream().close();
        return finish(running, what);
      } finally {
        closeQuietly(running);
      }
    } catch (IOException e) {
      throw failure(what, e);
    }
  }

  /** Opens a channel that buffers all output as it arrives, so stdout and stderr can be read one after the other. */
  private Session.Command exec(String command) throws IOException {
    Session session = client.startSession();
    try {
      session.setAutoExpand(true);
      return session.exec(command);
    } catch (IOException e) {
      closeQuietly(session);
      throw e;
    }
  }

  /** Reads a command's output to the end, waits for it to exit, and fails unless it exited 0. */
  private static String finish(Session.Command command, String what) throws IOException, RemoteException {
    String out = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(command.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    command.join(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    Integer status = command.getExitStatus();
    if (status != null && status == 0) {
      return out;
    }
    String how = status != null
        ? "exit " + status
        : command.getExitSignal() != null ? "killed by SIG" + command.getExitSignal() : "no exit status";
    String detail = err.strip().lines().findFirst().map(line -> ": " + line).orElse("");
    throw new RemoteException(RemoteException.Kind.COMMAND_FAILED, what + " failed (" + how + ")" + detail);
  }

  private RemoteException failure(String what, IOException e) {
    if (!client.isConnected()) {
      return new RemoteException(RemoteException.Kind.DISCONNECTED, "connection lost: " + e.getMessage(), e);
    }
    return new RemoteException(RemoteException.Kind.COMMAND_FAILED, what + " failed: " + e.getMessage(), e);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void closeQuietly(Closeable channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing channel: {}", e.toString());
    }
  }

  private static void disconnect(SSHClient client) {
    try {
      client.disconnect();
    } catch (IOException e) {
      log.debug("disconnecting: {}", e.toString());
    }
  }

  @Override
  public void close() {
    disconnect(client);
  }

  @Override
  public String toString() {
    return host.toString();
  }
}
