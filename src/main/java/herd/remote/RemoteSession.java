package herd.remote;

import herd.hosts.HostSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.forwarded.RemotePortForwarder.Forward;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authenticated SSH connection to one host, reached as the ssh config says ({@code ssh -G}). Host keys are checked
 * against the known_hosts files (hosts on a port other than 22 are looked up as {@code [host]:port}); authentication
 * is by public key only, from ssh-agent or identity files.
 *
 * <p>Commands run through the remote user's shell, as with {@code ssh host command}. java is looked for by a
 * login shell ({@code sh -l}), so a java put on the PATH by {@code /etc/profile} or {@code ~/.profile} is found; start
 * the peer with {@link #javaPath()} to run that same java. Use one thread per session for these calls; a {@link
 * RemoteProcess}'s streams may be used from other threads.
 */
public final class RemoteSession implements RemoteHost {
  private static final Logger log = LoggerFactory.getLogger(RemoteSession.class);
  private static final long CLOSE_WAIT_SECONDS = 30;
  /** Where reverse forwards listen on the host: its loopback only, so only the host itself can use them. */
  private static final String FORWARD_ADDRESS = "127.0.0.1";
  /** Closes tunnels whose host has not sent its banner in time (see {@link #connectTransport}). */
  private static final ScheduledExecutorService BANNER_DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "herd-banner-deadlines");
    t.setDaemon(true);
    return t;
  });

  private final HostSpec host;
  private final String user;
  private final SSHClient client;
  /** The channel on a bastion that carries this connection, or null for a direct one. */
  private final DirectConnection tunnel;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Probe javaProbe;

  private RemoteSession(HostSpec host, String user, SSHClient client, DirectConnection tunnel) {
    this.host = host;
    this.user = user;
    this.client = client;
    this.tunnel = tunnel;
  }

  /**
   * Resolves {@code host} with the ssh config ({@link SshConfig#resolve}), connects and logs in: with the keys in
   * ssh-agent first, then the identity files, as ssh does. An unknown host key fails with HOST_KEY_UNKNOWN unless new
   * keys are accepted ({@code --accept-new-host-keys}, or StrictHostKeyChecking accept-new or no), in which case it is
   * appended to the first known_hosts file (created if missing); a changed key always fails with HOST_KEY_CHANGED.
   *
   * <p>Two bounds, as with OpenSSH: the connect timeout covers the TCP connect and the server's SSH banner (OpenSSH's
   * ConnectTimeout), and {@link SshOptions#LOGIN_TIMEOUT} each step of the login after it: the key exchange, and the
   * server's answer to each authentication request. A server that answers its port but stalls fails; one that is
   * merely slow under load does not fail for the connect timeout.
   */
  public static RemoteSession connect(HostSpec host, SshOptions opts) throws RemoteException {
    return connect(host, opts, KeyFiles.SHARED, SshOptions.LOGIN_TIMEOUT);
  }

  /** {@link #connect(HostSpec, SshOptions)} with the given passphrase source and login timeout, for tests. */
  static RemoteSession connect(HostSpec host, SshOptions opts, KeyFiles keyFiles, Duration loginTimeout)
      throws RemoteException {
    return connect(host, SshConfig.resolve(host, opts), null, keyFiles, loginTimeout);
  }

  /**
   * Connects to {@code host}, already resolved as {@code target}, through a channel on {@code via}, a bastion, unless
   * it is null (the target's own ProxyJump is for the caller to follow: see {@link Bastions}).
   */
  static RemoteSession connect(
      HostSpec host, ResolvedHost target, RemoteSession via, KeyFiles keyFiles, Duration loginTimeout)
      throws RemoteException {
    KnownHostsVerifier verifier =
        new KnownHostsVerifier(target.knownHosts(), target.globalKnownHosts(), target.acceptNewHostKeys());
    SSHClient client = new SSHClient();
    DirectConnection tunnel = null;
    try (Login login = Login.prepare(target, keyFiles, client)) {
      client.addHostKeyVerifier(verifier);
      client.setSocketFactory(new BannerDeadlineSockets());
      client.setConnectTimeout(millis(target.connectTimeout()));
      client.getTransport().setTimeoutMs(millis(loginTimeout));
      if (via != null) tunnel = via.tunnelTo(target, target.connectTimeout());
      try {
        connectTransport(client, target, tunnel);
      } catch (IOException e) {
        throw verifier.refusal() != null
            ? verifier.refusal()
            : ConnectFailures.unreachable(e, target.connectTimeout(), loginTimeout);
      }
      try {
        login.authenticate(client);
      } catch (IOException e) {
        throw ConnectFailures.unreachable(e, target.connectTimeout(), loginTimeout);
      }
      log.debug("{}: connected to {}:{} as {}{}", host, target.hostName(), target.port(), target.user(),
          via == null ? "" : " through " + via);
      return new RemoteSession(host, target.user(), client, tunnel);
    } catch (RemoteException e) {
      disconnect(client);
      if (tunnel != null) closeQuietly(tunnel);
      throw e;
    }
  }

  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
  }

  /**
   * Opens the byte stream the SSH connection runs on: a TCP connection to the host, or {@code tunnel} if not null. A
   * TCP connection's banner deadline is its socket's ({@link BannerDeadlineSockets}); a tunnel has no socket and its
   * reads wait for ever, so it is closed if the banner has not come within the connect timeout.
   */
  private static void connectTransport(SSHClient client, ResolvedHost target, DirectConnection tunnel)
      throws IOException {
    if (tunnel == null) {
      client.connect(target.hostName(), target.port());
      return;
    }
    AtomicBoolean late = new AtomicBoolean();
    ScheduledFuture<?> deadline = BANNER_DEADLINES.schedule(() -> {
      if (bannerIn(client) || late.getAndSet(true)) return;
      closeQuietly(tunnel);
    }, target.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    try {
      client.connectVia(tunnel, target.hostName(), target.port());
    } catch (IOException e) {
      if (!late.get()) throw e;
      BannerDeadlineSockets.BannerTimeoutException timeout =
          new BannerDeadlineSockets.BannerTimeoutException(target.connectTimeout());
      timeout.initCause(e);
      throw timeout;
    } finally {
      deadline.cancel(false);
    }
  }

  /** Whether the server's identification line has arrived. */
  private static boolean bannerIn(SSHClient client) {
    try {
      return client.getTransport().getServerVersion() != null;
    } catch (StringIndexOutOfBoundsException e) {
      return false; // sshj 0.40 holds "" while the line is still coming in, and cuts 8 characters off it
    }
  }

  /**
   * Opens a channel from this host, a bastion, to {@code target}'s SSH port, waiting at most {@code timeout} for the
   * bastion to connect. Fails with UNREACHABLE, naming this bastion, if it cannot. Safe to call from several threads
   * (channels are independent), unlike this class's other methods.
   */
  DirectConnection tunnelTo(ResolvedHost target, Duration timeout) throws RemoteException {
    client.getConnection().setTimeoutMs(millis(timeout));
    try {
      return client.newDirectConnection(target.hostName(), target.port());
    } catch (OpenFailException e) {
      throw new RemoteException(RemoteException.Kind.UNREACHABLE,
          "bastion " + host + " cannot connect to it: " + e.getMessage(), e);
    } catch (IOException e) {
      if (!client.isConnected()) {
        throw new RemoteException(RemoteException.Kind.DISCONNECTED, "lost bastion " + host + ": " + e.getMessage(), e);
      }
      String why = e.getCause() instanceof TimeoutException
          ? "timed out after " + ConnectFailures.format(timeout) : e.getMessage();
      throw new RemoteException(RemoteException.Kind.UNREACHABLE, "bastion " + host + " cannot connect to it: " + why, e);
    }
  }

  /** The user this session logged in as. */
  @Override
  public String user() {
    return user;
  }

  /**
   * The local address of this connection's socket: the address the host reaches this machine at. Null for a host
   * reached through a bastion, which may not reach this machine at all.
   */
  @Override
  public InetAddress localAddress() {
    return client.getLocalAddress();
  }

  /** True if this host was reached through a bastion. */
  @Override
  public boolean tunneled() {
    return tunnel != null;
  }

  boolean connected() {
    return client.isConnected();
  }

  /**
   * The host's own address on this connection, as its sshd sees it: the third field of {@code $SSH_CONNECTION}. For a
   * host behind a bastion, the address the bastion reached it at.
   */
  @Override
  public InetAddress ownAddress() throws RemoteException {
    String said = run("echo \"$SSH_CONNECTION\"", "reading $SSH_CONNECTION").strip();
    String[] fields = said.split(" ");
    if (fields.length != 4 || !fields[2].matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?")) {
      throw new RemoteException(
          RemoteException.Kind.COMMAND_FAILED, "cannot tell the host's own address: $SSH_CONNECTION is '" + said + "'");
    }
    try {
      return InetAddress.getByName(fields[2]); // an address literal: no lookup
    } catch (IOException e) {
      throw new RemoteException(RemoteException.Kind.COMMAND_FAILED, "bad address in $SSH_CONNECTION: " + said, e);
    }
  }

  /**
   * Asks the host's sshd to listen on its loopback address 127.0.0.1, on a port of its choosing, and to send each
   * connection made there back over this SSH connection to {@code target} on this machine (a reverse forward, as
   * {@code ssh -R 0:target}). Returns that address on the host. It lasts until this session closes.
   */
  @Override
  public InetSocketAddress forwardHere(InetSocketAddress target) throws RemoteException {
    try {
      Forward bound = client.getRemotePortForwarder()
          .bind(new Forward(FORWARD_ADDRESS, 0), new ForwardHere(target, "herd-forward-" + host));
      log.debug("{}: {}:{} forwards to {}", host, FORWARD_ADDRESS, bound.getPort(), target);
      return new InetSocketAddress(FORWARD_ADDRESS, bound.getPort());
    } catch (IOException e) {
      throw failure("forwarding a port on the host back to herd (does its sshd allow TCP forwarding?)", e);
    }
  }

  /**
   * The absolute path of the java a login shell finds on the host (asking the host if {@link #ensureJar} has not);
   * fails with NO_JAVA if there is none. Its version is told by running the peer ({@link JavaVersions}).
   */
  @Override
  public synchronized String javaPath() throws RemoteException {
    if (javaProbe == null) {
      javaProbe = Probe.parse(run("sh -lc " + Shell.quote(Probe.javaScript()), "checking java"));
    }
    checkJava(javaProbe);
    return javaProbe.javaPath();
  }

  /**
   * Makes sure {@code jar} is cached on the host as {@code <remoteDir>/herd-peer-<first 16 hex of its sha256>.jar};
   * {@code remoteDir} may start with {@code ~/}, and a relative one is under the remote home. A cached jar is used only
   * if its SHA-256 checks out on the host; otherwise (missing, damaged, or replaced) it is uploaded to a temporary name,
   * checked, and moved into place, so concurrent runs never see a partial jar. The cache directory, created owner-only
   * if missing, must be one that no other user can write (as OpenSSH's StrictModes asks of {@code ~/.ssh}): else the
   * host fails with UNSAFE and nothing is uploaded or run. The same round trip finds java, failing as {@link
   * #javaPath()} does before any upload, and the jar's class-data archive for it. The returned path has no symbolic links.
   */
  @Override
  public synchronized PeerJar ensureJar(byte[] jar, String remoteDir) throws RemoteException {
    String sha256 = HexFormat.of().formatHex(sha256(jar));
    String name = "herd-peer-" + sha256.substring(0, 16) + ".jar";
    Probe probe = Probe.parse(run("sh -lc " + Shell.quote(Probe.jarScript(remoteDir, name, sha256)), "checking the peer jar"));
    javaProbe = probe;
    checkJava(probe);
    refuseUnsafe(probe);
    if (probe.jarVerified()) {
      log.debug("{}: {}/{} already cached{}", host, probe.dir(), name, probe.archiveReady() ? ", with its class-data archive" : "");
      return new PeerJar(probe.dir() + "/" + name, false, archive(probe.dir(), name, probe), probe.archiveReady());
    }
    Probe stored = upload(jar, probe.dir(), name, sha256);
    refuseUnsafe(stored);
    log.debug("{}: uploaded {}/{} ({} bytes)", host, stored.dir(), name, jar.length);
    return new PeerJar(stored.dir() + "/" + name, true, archive(stored.dir(), name, probe), false);
  }

  private static String archive(String dir, String jarName, Probe java) {
    return java.javaKey() == null ? null : dir + "/" + Probe.archiveName(jarName, java.javaKey());
  }

  private static void refuseUnsafe(Probe probe) throws RemoteException {
    if (probe.unsafe() != null) {
      throw new RemoteException(RemoteException.Kind.UNSAFE, "refusing the peer program cache " + probe.dir() + ": "
          + probe.unsafe() + " (another user could replace what herd runs; choose another --remote-path)");
    }
  }

  private static void checkJava(Probe probe) throws RemoteException {
    if (probe.javaPath() == null) {
      throw new RemoteException(RemoteException.Kind.NO_JAVA, "java not found");
    }
  }

  private Probe upload(byte[] jar, String dir, String name, String sha256) throws RemoteException {
    String what = "uploading the peer jar to " + dir;
    try {
      Session.Command command = exec("sh -c " + Shell.quote(Probe.uploadScript(dir, name, sha256)));
      try {
        IOException writeFailure = null;
        try (OutputStream stdin = command.getOutputStream()) {
          stdin.write(jar);
          // sshj's close() sends only what the remote window allows before its EOF; flush() waits for the window.
          stdin.flush();
        } catch (IOException e) {
          writeFailure = e;
        }
        String out = finish(command, what);
        if (writeFailure != null) {
          throw writeFailure;
        }
        return Probe.parse(out);
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
  @Override
  public RemoteProcess start(String command) throws RemoteException {
    try {
      return new SshProcess(exec(command));
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

  /** Closes {@code c}; a failure to close is only logged (with -v). */
  static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", c, e.toString());
    }
  }

  private static void disconnect(SSHClient client) {
    try {
      client.disconnect();
    } catch (IOException e) {
      log.debug("disconnecting: {}", e.toString());
    }
  }

  /**
   * Disconnects, once: a push closes a done host's session from the host's thread and, at the run's end, every
   * session from its own, and sshj's disconnect run twice at once fails with a NullPointerException.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    disconnect(client);
    if (tunnel != null) closeQuietly(tunnel);
  }

  @Override
  public String toString() {
    return host.toString();
  }
}
