package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in as users have ssh set up: keys only in a real ssh-agent (ed25519 and RSA, which must get an rsa-sha2
 * signature: this sshd, like every OpenSSH since 8.8, refuses ssh-rsa's SHA-1), IdentitiesOnly, encrypted key files,
 * and several known_hosts files, all through an ssh config read with {@code ssh -G -F}.
 */
final class LoginTest {
  private static final String PASSPHRASE = "correct horse";
  private static LocalSshd sshd;

  @TempDir Path tmp;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = LocalSshd.start();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) sshd.close();
  }

  /** Options with no identity file of their own: the config at {@code config} names them, or none. */
  private SshOptions options(Path agent, String... configLines) throws Exception {
    List<String> lines = new ArrayList<>(List.of("Host *", "  IdentityFile " + tmp + "/none"));
    lines.addAll(1, List.of(configLines));
    Path config = Files.write(tmp.resolve("config"), lines);
    return sshd.options().withIdentities(List.of()).withSshConfig(config).withAgent(agent);
  }

  private Path authorizedKey(String name, String type) throws Exception {
    Path key = tmp.resolve(name);
    LocalSshd.keygen(key, type);
    sshd.authorize(key);
    return key;
  }

  private static final class CountingPassphrases implements KeyFiles.Passphrases {
    final AtomicInteger asked = new AtomicInteger();
    final String answer;

    CountingPassphrases(String answer) {
      this.answer = answer;
    }

    @Override
    public char[] ask(Path key) {
      asked.incrementAndGet();
      return answer == null ? null : answer.toCharArray();
    }
  }

  @Test
  void logsInWithKeysOnlyInTheAgentIncludingRsa() throws Exception {
    for (String type : List.of("ed25519", "rsa")) {
      Path key = authorizedKey("agent_" + type, type);
      try (TestAgent agent = TestAgent.start(Files.createDirectories(tmp.resolve("agent-" + type)))) {
        agent.add(key);
        Files.delete(key);
        Files.delete(Path.of(key + ".pub"));
        try (RemoteSession session = RemoteSession.connect(sshd.host(), options(agent.socket()),
            new KeyFiles(new CountingPassphrases(null)), SshOptions.LOGIN_TIMEOUT)) {
          assertEquals("ok\n", session.run("echo ok"), type);
        }
      }
    }
    assertTrue(sshd.log().contains("Accepted publickey for " + System.getProperty("user.name") + " from 127.0.0.1")
        && sshd.log().contains(": RSA SHA256:"), sshd.log());
  }

  @Test
  void withoutAnyKeySaysSoBeforeConnecting() throws Exception {
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), options(null)));
    assertEquals(RemoteException.Kind.AUTH_FAILED, e.kind());
    assertTrue(e.getMessage().startsWith("no SSH identity: no key in ssh-agent"), e.getMessage());
  }

  @Test
  void anEncryptedKeyWithoutATerminalSaysToUseTheAgent() throws Exception {
    Path key = authorizedKey("encrypted", "ed25519");
    LocalSshd.encrypt(key, PASSPHRASE);
    CountingPassphrases noTerminal = new CountingPassphrases(null);
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(),
        options(null, "  IdentityFile " + key), new KeyFiles(noTerminal), SshOptions.LOGIN_TIMEOUT));
    assertEquals(RemoteException.Kind.AUTH_FAILED, e.kind());
    assertEquals("key " + key + " is encrypted: load it into ssh-agent", e.getMessage());
  }

  @Test
  void anEncryptedKeyThatTheAgentHoldsNeedsNoPassphraseEvenWithIdentitiesOnly() throws Exception {
    Path key = authorizedKey("encrypted_in_agent", "ed25519");
    Path other = tmp.resolve("other_in_agent");
    LocalSshd.keygen(other);
    try (TestAgent agent = TestAgent.start(Files.createDirectories(tmp.resolve("agent")))) {
      agent.add(other);
      agent.add(key);
      LocalSshd.encrypt(key, PASSPHRASE);
      CountingPassphrases passphrases = new CountingPassphrases(PASSPHRASE);
      try (RemoteSession session = RemoteSession.connect(sshd.host(),
          options(agent.socket(), "  IdentityFile " + key, "  IdentitiesOnly yes"), new KeyFiles(passphrases), SshOptions.LOGIN_TIMEOUT)) {
        assertEquals("ok\n", session.run("echo ok"));
      }
      assertEquals(0, passphrases.asked.get());
    }
  }

  @Test
  void identitiesOnlyOffersNoOtherAgentKey() throws Exception {
    Path inAgent = authorizedKey("authorized_in_agent", "ed25519");
    Path named = tmp.resolve("named");
    LocalSshd.keygen(named);
    try (TestAgent agent = TestAgent.start(Files.createDirectories(tmp.resolve("agent")))) {
      agent.add(inAgent);
      SshOptions only = options(agent.socket(), "  IdentityFile " + named, "  IdentitiesOnly yes");
      RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), only));
      assertEquals("authentication failed for " + System.getProperty("user.name") + " (tried " + named + ")",
          e.getMessage());
      try (RemoteSession session = RemoteSession.connect(sshd.host(),
          options(agent.socket(), "  IdentityFile " + named))) {
        assertEquals("ok\n", session.run("echo ok"), "without IdentitiesOnly the agent's key is offered");
      }
    }
  }

  @Test
  void aPassphraseIsAskedOnceForAllParallelHosts() throws Exception {
    Path key = authorizedKey("shared_encrypted", "ed25519");
    LocalSshd.encrypt(key, PASSPHRASE);
    Files.delete(Path.of(key + ".pub")); // the public key comes from the key file's clear part
    CountingPassphrases passphrases = new CountingPassphrases(PASSPHRASE);
    KeyFiles keyFiles = new KeyFiles(passphrases);
    SshOptions opts = options(null, "  IdentityFile " + key);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Thread thread = new Thread(() -> {
        try (RemoteSession session = RemoteSession.connect(sshd.host(), opts, keyFiles, SshOptions.LOGIN_TIMEOUT)) {
          session.run("true");
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "encrypted-" + i);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) thread.join();
    assertEquals(List.of(), failures);
    assertEquals(1, passphrases.asked.get());
  }

  @Test
  void aWrongPassphraseIsAskedThreeTimesThenTheKeyIsGivenUp() throws Exception {
    Path key = authorizedKey("wrong_passphrase", "ed25519");
    LocalSshd.encrypt(key, PASSPHRASE);
    CountingPassphrases wrong = new CountingPassphrases("not it");
    KeyFiles keyFiles = new KeyFiles(wrong);
    SshOptions opts = options(null, "  IdentityFile " + key);
    for (int i = 0; i < 2; i++) {
      RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), opts, keyFiles, SshOptions.LOGIN_TIMEOUT));
      assertEquals("wrong passphrase for key " + key, e.getMessage());
    }
    assertEquals(3, wrong.asked.get());
  }

  @Test
  void anEncryptedKeyTheServerRefusesIsNeverUnlocked() throws Exception {
    Path key = tmp.resolve("unauthorized_encrypted");
    LocalSshd.keygen(key);
    LocalSshd.encrypt(key, PASSPHRASE);
    CountingPassphrases passphrases = new CountingPassphrases(PASSPHRASE);
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(),
        options(null, "  IdentityFile " + key), new KeyFiles(passphrases), SshOptions.LOGIN_TIMEOUT));
    assertEquals("authentication failed for " + System.getProperty("user.name") + " (tried " + key + ")", e.getMessage());
    assertEquals(0, passphrases.asked.get());
  }

  @Test
  void readsEveryKnownHostsFileAndRecordsInTheFirst() throws Exception {
    Path first = tmp.resolve("kh/first");
    Path second = tmp.resolve("kh/second");
    Files.createDirectories(first.getParent());
    Files.copy(sshd.knownHosts(), second);
    Path key = sshd.clientKey();
    String files = "  UserKnownHostsFile " + first + " " + second;
    try (RemoteSession session = RemoteSession.connect(sshd.host(),
        options(null, "  IdentityFile " + key, files).withKnownHosts(null))) {
      assertEquals("ok\n", session.run("echo ok"));
    }
    assertTrue(Files.notExists(first));

    Files.delete(second);
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(),
        options(null, "  IdentityFile " + key, files).withKnownHosts(null)));
    assertEquals("host key not in " + first + " or " + second + " (use --accept-new-host-keys to record it)",
        e.getMessage());
    try (RemoteSession session = RemoteSession.connect(sshd.host(),
        options(null, "  IdentityFile " + key, files, "  StrictHostKeyChecking accept-new").withKnownHosts(null))) {
      assertEquals("ok\n", session.run("echo ok"));
    }
    assertEquals("[127.0.0.1]:" + sshd.port() + " " + sshd.hostPublicKey() + "\n", Files.readString(first));
    assertTrue(Files.notExists(second));
  }
}
