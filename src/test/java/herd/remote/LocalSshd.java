package herd.remote;

import herd.hosts.HostSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH sshd for tests: {@code /usr/sbin/sshd} on 127.0.0.1 at a free port, as the current user, with a
 * fresh ed25519 host key and a fresh client key that it authorizes, all in a temporary directory removed by {@link
 * #close()}. Missing sshd is a failure, not a skip: install openssh-server.
 *
 * <pre>{@code
 * try (LocalSshd sshd = LocalSshd.start();
 *     RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options())) { ... }
 * }</pre>
 */
public final class LocalSshd implements AutoCloseable {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final Path dir;
  private final int port;
  private final Process process;
  private final StringBuffer log;

  private LocalSshd(Path dir, int port, Process process, StringBuffer log) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts sshd and waits until it listens. */
  public static LocalSshd start() throws IOException, InterruptedException {
    return start(null);
  }

  /**
   * Like {@link #start()}, and when {@code ca} (a private key) is not null, with a host certificate signed by it for
   * 127.0.0.1, and trusting user certificates that it signed.
   */
  public static LocalSshd start(Path ca) throws IOException, InterruptedException {
    if (!Files.isExecutable(SSHD)) {
      throw new IllegalStateException(SSHD + " not found: install openssh-server (apt-get install -y openssh-server)");
    }
    Path dir = Files.createTempDirectory("herd-sshd-");
    keygen(dir.resolve("host_ed25519"));
    List<String> extra = List.of();
    if (ca != null) {
      run("ssh-keygen", "-q", "-s", ca.toString(), "-I", "herd-test-host", "-h", "-n", "127.0.0.1", "-V", "-5m:+1h",
          dir.resolve("host_ed25519.pub").toString());
      extra = List.of("HostCertificate " + dir.resolve("host_ed25519-cert.pub"), "TrustedUserCAKeys " + ca + ".pub");
    }
    keygen(dir.resolve("client_ed25519"));
    Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
    createPrivilegeSeparationDir();
    IOException lastFailure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + publicKey(dir) + "\n");
      Path config = writeConfig(dir, port, extra);
      Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      StringBuffer log = new StringBuffer();
      CountDownLatch listening = new CountDownLatch(1);
      Thread reader = new Thread(() -> readLog(process, log, listening), "local-sshd-" + port + "-log");
      reader.setDaemon(true);
      reader.start();
      if (listening.await(STARTUP.toSeconds(), TimeUnit.SECONDS) && process.isAlive()) {
        return new LocalSshd(dir, port, process, log);
      }
      process.destroyForcibly().waitFor();
      lastFailure = new IOException("sshd did not start on port " + port + ":\n" + log);
    }
    deleteTree(dir);
    throw lastFailure;
  }

  public int port() {
    return port;
  }

  /** The current user at 127.0.0.1 on this sshd's port. */
  public HostSpec host() {
    return new HostSpec(System.getProperty("user.name"), "127.0.0.1", port);
  }

  /** The private key this sshd authorizes. */
  public Path clientKey() {
    return dir.resolve("client_ed25519");
  }

  /** The host's public key as {@code ssh-ed25519 AAAA...}. */
  public String hostPublicKey() throws IOException {
    return publicKey(dir);
  }

  /** A known_hosts file (inside the temp dir) that lists this sshd's host key. */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /**
   * Options that connect to this sshd: its client key, {@link #knownHosts()}, new host keys refused, 5 s timeout, no
   * ssh config ({@code -F /dev/null}, so the user's own does not change the test) and no agent.
   */
  public SshOptions options() {
    return new SshOptions(System.getProperty("user.name"), List.of(clientKey()), knownHosts(), false,
        Duration.ofSeconds(5), Path.of("/dev/null"), null);
  }

  /** Generates an unencrypted ed25519 key pair at {@code key} and {@code key.pub}. */
  public static void keygen(Path key) throws IOException, InterruptedException {
    keygen(key, "ed25519");
  }

  /** Generates an unencrypted key pair of {@code type} (ed25519, rsa, ecdsa) at {@code key} and {@code key.pub}. */
  public static void keygen(Path key, String type) throws IOException, InterruptedException {
    run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "herd-test-" + type, "-f", key.toString());
  }

  /** Encrypts the private key file {@code key} in place with {@code passphrase}. */
  public static void encrypt(Path key, String passphrase) throws IOException, InterruptedException {
    run("ssh-keygen", "-q", "-p", "-P", "", "-N", passphrase, "-f", key.toString());
  }

  /** Lets the key pair at {@code key} log in too. */
  public void authorize(Path key) throws IOException {
    Files.writeString(dir.resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")),
        java.nio.file.StandardOpenOption.APPEND);
  }

  static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  /** What sshd has logged so far. */
  public String log() {
    return log.toString();
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  private static String publicKey(Path dir) throws IOException {
    String[] fields = Files.readString(dir.resolve("host_ed25519.pub")).strip().split(" ");
    return fields[0] + " " + fields[1];
  }

  private static Path writeConfig(Path dir, int port, List<String> extra) throws IOException {
    String config = String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_ed25519"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "AuthenticationMethods publickey",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "StrictModes no",
        "UsePAM no",
        "PidFile none",
        "");
    return Files.writeString(dir.resolve("sshd_config"), config + String.join("\n", extra) + "\n");
  }

  /** sshd refuses to start as root without it; it is normally made by the openssh-server service. */
  private static void createPrivilegeSeparationDir() {
    try {
      Files.createDirectories(Path.of("/run/sshd"));
    } catch (IOException e) {
      // Not root: sshd does not need it then.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void readLog(Process process, StringBuffer log, CountDownLatch listening) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        log.append(line).append('\n');
        if (line.startsWith("Server listening on")) {
          listening.countDown();
        }
      }
    } catch (IOException e) {
      log.append("(log read failed: ").append(e).append(")\n");
    }
    listening.countDown();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
