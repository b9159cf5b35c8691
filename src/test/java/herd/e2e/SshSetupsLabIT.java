package herd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH as users have it set up, against the lab's real OpenSSH servers: hosts named by an alias in an ssh config
 * ({@code -F}, read through {@code ssh -G}), keys only in an ssh-agent (an RSA key, which OpenSSH 9.2 takes only with an
 * rsa-sha2 signature), and an encrypted key, without a terminal and with the same key in the agent. Needs root: run
 * with -Plab.
 */
class SshSetupsLabIT {
  private static final String PASSPHRASE = "lab passphrase";
  private static Lab lab;
  private static Payload payload;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    lab = Lab.up(2);
    payload = Payload.random(dir, "app.bin", 1024 * 1024 + 7, 9);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (lab != null) lab.close();
  }

  private static List<String> args(List<String> ssh, String dest, String hostlist) {
    List<String> a = new ArrayList<>(ssh);
    a.addAll(List.of(payload.path().toString(), dest, "--hostlist", hostlist));
    return a;
  }

  private static void assertEveryHostHas(String dest) throws Exception {
    for (String h : lab.hosts()) {
      assertEquals(payload.sha256(), lab.ssh(h, "sha256sum " + dest).split(" ")[0], h);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
  }

  /** A real ssh-agent on its own socket, holding {@code keys}; stopped by closing the returned process. */
  private static Process agent(Path socket, Path... keys) throws Exception {
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
        .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    for (int i = 0; i < 500 && !Files.exists(socket); i++) Thread.sleep(20);
    assertTrue(Files.exists(socket), "ssh-agent did not start");
    for (Path key : keys) {
      ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true)
          .redirectInput(new File("/dev/null"));
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      Process p = add.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), "ssh-add: " + out);
    }
    return agent;
  }

  private static void stop(Process agent) throws Exception {
    agent.destroy();
    if (!agent.waitFor(5, TimeUnit.SECONDS)) agent.destroyForcibly();
  }

  @Test
  void hostsNamedByAnAliasInTheSshConfig() throws Exception {
    StringBuilder config = new StringBuilder();
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < lab.hosts().size(); i++) {
      String alias = "web-" + (char) ('a' + i);
      aliases.add(alias);
      config.append("Host ").append(alias).append("\n  HostName ").append(lab.hosts().get(i))
          .append("\n  User root\n  IdentityFile ").append(Lab.DIR.resolve("id_ed25519"))
          .append("\n  IdentitiesOnly yes\n  UserKnownHostsFile ").append(Lab.DIR.resolve("known_hosts")).append("\n");
    }
    Path file = Files.writeString(dir.resolve("ssh_config"), config);
    HerdProcess.Result r = HerdProcess.run(null,
        args(List.of("-F", file.toString()), "/srv/alias/app.bin", String.join(",", aliases)), Map.of("SSH_AUTH_SOCK", ""));
    assertEquals(0, r.status(), r.stderr());
    assertTrue(r.stderr().contains("herd: 2 of 2 hosts have /srv/alias/app.bin"), r.stderr());
    assertEveryHostHas("/srv/alias/app.bin");
  }

  @Test
  void anRsaKeyOnlyInTheAgent() throws Exception {
    Path key = dir.resolve("agent_rsa");
    run("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "herd-lab-rsa", "-f", key.toString());
    String pub = Files.readString(Path.of(key + ".pub")).strip();
    for (String h : lab.hosts()) lab.ssh(h, "echo '" + pub + "' >> /root/.ssh/authorized_keys");
    Path socket = dir.resolve("rsa-agent.sock");
    Process agent = agent(socket, key);
    try {
      Files.delete(key);
      Files.delete(Path.of(key + ".pub"));
      List<String> ssh = List.of("-l", "root", "--known-hosts", Lab.DIR.resolve("known_hosts").toString());
      HerdProcess.Result r = HerdProcess.run(null, args(ssh, "/srv/agent/app.bin", String.join(",", lab.hosts())),
          Map.of("SSH_AUTH_SOCK", socket.toString()));
      assertEquals(0, r.status(), r.stderr());
      assertEveryHostHas("/srv/agent/app.bin");
    } finally {
      stop(agent);
    }
  }

  @Test
  void anEncryptedKeyWithoutATerminalAndThenInTheAgent() throws Exception {
    Path key = dir.resolve("encrypted_ed25519");
    Files.copy(Lab.DIR.resolve("id_ed25519"), key);
    Files.copy(Lab.DIR.resolve("id_ed25519.pub"), Path.of(key + ".pub"));
    Path socket = dir.resolve("encrypted-agent.sock");
    Process agent = agent(socket, key);
    try {
      run("ssh-keygen", "-q", "-p", "-P", "", "-N", PASSPHRASE, "-f", key.toString());
      List<String> ssh = List.of("-l", "root", "-i", key.toString(), "--known-hosts", Lab.DIR.resolve("known_hosts").toString());
      String hosts = String.join(",", lab.hosts());

      HerdProcess.Result alone = HerdProcess.run(null, args(ssh, "/srv/encrypted/app.bin", hosts), Map.of("SSH_AUTH_SOCK", ""));
      assertEquals(1, alone.status(), alone.stderr());
      for (String h : lab.hosts()) {
        assertTrue(alone.stderr().contains("  " + h + ": key " + key + " is encrypted: load it into ssh-agent\n"),
            alone.stderr());
      }

      HerdProcess.Result withAgent = HerdProcess.run(null, args(ssh, "/srv/encrypted/app.bin", hosts),
          Map.of("SSH_AUTH_SOCK", socket.toString()));
      assertEquals(0, withAgent.status(), withAgent.stderr());
      assertEveryHostHas("/srv/encrypted/app.bin");
    } finally {
      stop(agent);
    }
  }

  @Test
  void anEncryptedKeyOnATerminalIsAskedForOnceForAllHosts() throws Exception {
    Path key = dir.resolve("tty_ed25519");
    Files.copy(Lab.DIR.resolve("id_ed25519"), key);
    run("ssh-keygen", "-q", "-p", "-P", "", "-N", PASSPHRASE, "-f", key.toString());
    List<String> herd = new ArrayList<>(List.of(HerdProcess.executable().toString(), "-l", "root", "-i", key.toString(),
        "--known-hosts", Lab.DIR.resolve("known_hosts").toString()));
    herd.addAll(args(List.of(), "/srv/tty/app.bin", String.join(",", lab.hosts())));
    // script(1) gives herd a terminal (a pty) as its stdin and stdout, as when a person runs it.
    ProcessBuilder pb = new ProcessBuilder("script", "-qefc", String.join(" ", herd), "/dev/null").redirectErrorStream(true);
    pb.environment().remove("SSH_AUTH_SOCK");
    Process p = pb.start();
    StringBuffer screen = new StringBuffer();
    Thread reader = new Thread(() -> {
      try {
        byte[] buf = new byte[4096];
        for (int n; (n = p.getInputStream().read(buf)) > 0; ) screen.append(new String(buf, 0, n));
      } catch (java.io.IOException e) {
        screen.append("(read failed: ").append(e).append(")");
      }
    }, "tty-screen");
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!screen.toString().contains("Enter passphrase for key '" + key + "': ") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    p.getOutputStream().write((PASSPHRASE + "\n").getBytes());
    p.getOutputStream().flush();
    boolean exited = p.waitFor(3, TimeUnit.MINUTES);
    p.getOutputStream().close();
    if (!exited) p.destroyForcibly();
    reader.join(10_000);
    assertTrue(exited, screen.toString());
    assertEquals(0, p.exitValue(), screen.toString());
    assertEquals(1, screen.toString().split("Enter passphrase for key", -1).length - 1, screen.toString());
    assertEveryHostHas("/srv/tty/app.bin");
  }
}
