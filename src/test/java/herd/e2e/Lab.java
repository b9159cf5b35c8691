package herd.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The multi-host lab of {@code scripts/lab}: network namespaces with real sshd, driven from tests. Needs root. */
final class Lab implements AutoCloseable {
  static final String CONTROLLER = "10.77.0.1";
  static final Path DIR = Path.of(System.getenv().getOrDefault("HERD_LAB_DIR", "/var/tmp/herd-lab"));

  private final List<String> hosts;

  private Lab(List<String> hosts) {
    this.hosts = hosts;
  }

  static Lab up(int n) throws IOException, InterruptedException {
    String out = script("up", String.valueOf(n));
    List<String> hosts = Files.readAllLines(DIR.resolve("hosts")).stream().filter(l -> !l.isBlank()).toList();
    if (hosts.size() != n) throw new IllegalStateException("lab has " + hosts.size() + " hosts: " + out);
    return new Lab(hosts);
  }

  /** The hosts' addresses, in order. */
  List<String> hosts() {
    return hosts;
  }

  Path hostsFile() {
    return DIR.resolve("hosts");
  }

  /** herd's SSH options for the lab. */
  List<String> sshArgs() {
    return List.of("-l", "root", "-i", DIR.resolve("id_ed25519").toString(), "--known-hosts", DIR.resolve("known_hosts").toString());
  }

  /** Runs {@code command} on host {@code address} over ssh and returns its stdout; fails on a non-zero status. */
  String ssh(String address, String command) throws IOException, InterruptedException {
    return script("ssh", address, command);
  }

  /** Like {@link #ssh} but returns the exit status. */
  int sshStatus(String address, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("scripts/lab", "ssh", address, command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  /** Limits {@code address}'s download to {@code rate} (a tc rate), or lifts the limit when null. */
  void limitDownload(String address, String rate) throws IOException, InterruptedException {
    String veth = "herd-v" + (hosts.indexOf(address) + 1);
    List<String> cmd = rate == null ? List.of("tc", "qdisc", "del", "dev", veth, "root")
        : List.of("tc", "qdisc", "replace", "dev", veth, "root", "tbf", "rate", rate, "burst", "64kb", "latency", "400ms");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
  }

  /** How many herd peer processes run on {@code address}. */
  int peerProcesses(String address) throws IOException, InterruptedException {
    // the bracket keeps the pattern from matching the shell that runs it
    return Integer.parseInt(script("ssh", address, "pgrep -fc 'herd-pee[r]' || true").trim());
  }

  /**
   * How many herd peer processes still run on {@code address} once herd has ended, waiting up to 10 s for them to
   * stop: a peer that placed the file serves on without its SSH session until its next announce finds the
   * tracker gone, within an announce interval (2 s).
   */
  int peersLeft(String address) throws IOException, InterruptedException {
    return peersLeft(address, Duration.ofSeconds(10));
  }

  /** Like {@link #peersLeft(String)}, waiting up to {@code wait}. */
  int peersLeft(String address, Duration wait) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    int left;
    while ((left = peerProcesses(address)) > 0 && System.nanoTime() < deadline) Thread.sleep(200);
    return left;
  }

  /**
   * Cuts {@code address} off from the controller (10.77.0.1) both ways, as a firewall that drops packets would,
   * while it still reaches the other hosts; closing the result lets it through again. The rules live in the host's
   * network namespace, so {@code lab down} removes them too.
   */
  AutoCloseable isolateFromController(String address) throws IOException, InterruptedException {
    String ns = "herd-h" + (hosts.indexOf(address) + 1);
    List<List<String>> rules = List.of(List.of("INPUT", "-s", CONTROLLER, "-j", "DROP"),
        List.of("OUTPUT", "-d", CONTROLLER, "-j", "DROP"));
    for (List<String> rule : rules) iptables(ns, "-A", rule);
    return () -> {
      for (List<String> rule : rules) iptables(ns, "-D", rule);
    };
  }

  /** Whether {@code address} can open a TCP connection to {@code target} within 3 seconds. */
  boolean canConnect(String address, InetSocketAddress target) throws IOException, InterruptedException {
    String ns = "herd-h" + (hosts.indexOf(address) + 1);
    String script = "exec 3<>/dev/tcp/" + target.getAddress().getHostAddress() + "/" + target.getPort();
    return run(List.of("ip", "netns", "exec", ns, "timeout", "3", "bash", "-c", script)) == 0;
  }

  /** Bytes {@code address} has sent since the lab came up: what the bridge's end of its veth received. */
  long sentBytes(String address) throws IOException {
    Path counter = Path.of("/sys/class/net/herd-v" + (hosts.indexOf(address) + 1) + "/statistics/rx_bytes");
    return Long.parseLong(Files.readString(counter).strip());
  }

  /** Bytes this machine (the controller, 10.77.0.1) has sent to the hosts since the lab came up, forwarding aside. */
  static long controllerSentBytes() throws IOException {
    return Long.parseLong(Files.readString(Path.of("/sys/class/net/herdbr0/statistics/tx_bytes")).strip());
  }

  /** How many logins {@code address}'s sshd has accepted since the lab came up. */
  long logins(String address) throws IOException {
    return sshdLog(address).lines().filter(l -> l.contains("Accepted publickey")).count();
  }

  /** What {@code address}'s sshd has logged. */
  String sshdLog(String address) throws IOException {
    return Files.readString(DIR.resolve("h" + (hosts.indexOf(address) + 1)).resolve("sshd.log"));
  }

  private static void iptables(String ns, String op, List<String> rule) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "iptables", "-w", op));
    cmd.addAll(rule);
    if (run(cmd) != 0) throw new IllegalStateException("failed: " + String.join(" ", cmd));
  }

  private static int run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    script("down");
  }

  private static String script(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("scripts/lab");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("scripts/lab " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
