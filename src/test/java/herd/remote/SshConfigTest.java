package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.hosts.HostSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SshConfig} against the real {@code ssh -G}, reading a config file of the test's own ({@code -F}). */
final class SshConfigTest {
  @TempDir Path tmp;

  private Path config(String... lines) throws Exception {
    return Files.writeString(tmp.resolve("config"), String.join("\n", lines) + "\n");
  }

  private SshOptions options(Path config) {
    return SshOptions.defaults().withSshConfig(config).withAgent(null);
  }

  @Test
  void resolvesAnAliasAsSshDoes() throws Exception {
    Path key = Files.writeString(tmp.resolve("deploy_web1.example.com_key"), "");
    Path config = config(
        "Host web1",
        "  HostName web1.example.com",
        "  User deploy",
        "  Port 2222",
        "  IdentityFile " + tmp + "/%r_%h_key",
        "  IdentityFile " + tmp + "/missing_key",
        "  IdentitiesOnly yes",
        "  UserKnownHostsFile " + tmp + "/kh1 " + tmp + "/kh2",
        "  StrictHostKeyChecking accept-new",
        "  ConnectTimeout 7",
        "  ProxyJump bastion,ops@bastion2:2200",
        "  IdentityAgent " + tmp + "/agent.sock");
    ResolvedHost r = SshConfig.resolve(new HostSpec(null, "web1", 22), options(config));
    assertEquals("web1.example.com", r.hostName());
    assertEquals(2222, r.port());
    assertEquals("deploy", r.user());
    assertEquals(List.of(key), r.identities(), "only the identity files that exist, tokens expanded");
    assertTrue(r.identitiesOnly());
    assertEquals(List.of(tmp.resolve("kh1"), tmp.resolve("kh2")), r.knownHosts());
    assertTrue(r.acceptNewHostKeys());
    assertEquals(Duration.ofSeconds(7), r.connectTimeout());
    assertEquals(List.of(new HostSpec(null, "bastion", 22), new HostSpec("ops", "bastion2", 2200)), r.proxyJump());
    assertEquals(tmp.resolve("agent.sock"), r.agent());
  }

  @Test
  void proxyJumpToAnAddressAsSshGPrintsIt() throws Exception {
    // ssh -G prints a single numeric jump host in brackets: "[10.0.0.5]", "ops@[10.0.0.6]:2200".
    Path config = config("Host a", "  ProxyJump 10.0.0.5", "Host b", "  ProxyJump ops@10.0.0.6:2200",
        "Host c", "  ProxyJump [fd00::7]:2201");
    assertEquals(List.of(new HostSpec(null, "10.0.0.5", 22)), jumps(config, "a"));
    assertEquals(List.of(new HostSpec("ops", "10.0.0.6", 2200)), jumps(config, "b"));
    assertEquals(List.of(new HostSpec(null, "fd00::7", 2201)), jumps(config, "c"));
  }

  private List<HostSpec> jumps(Path config, String host) throws Exception {
    return SshConfig.resolve(new HostSpec(null, host, 22), options(config)).proxyJump();
  }

  @Test
  void herdsOwnOptionsWinOverTheConfig() throws Exception {
    Path config = config(
        "Host web1",
        "  User deploy",
        "  IdentityFile " + tmp + "/config_key",
        "  UserKnownHostsFile " + tmp + "/kh1",
        "  StrictHostKeyChecking yes",
        "  ConnectTimeout 7");
    Files.writeString(tmp.resolve("config_key"), "");
    Path mine = tmp.resolve("my_key");
    SshOptions opts = options(config).withDefaultUser("admin").withIdentities(List.of(mine))
        .withKnownHosts(tmp.resolve("mine")).withAcceptNewHostKeys(true).withConnectTimeout(Duration.ofSeconds(3));
    ResolvedHost r = SshConfig.resolve(new HostSpec(null, "web1", 22), opts);
    assertEquals("admin", r.user());
    assertEquals(List.of(mine), r.identities());
    assertEquals(List.of(tmp.resolve("mine")), r.knownHosts());
    assertTrue(r.acceptNewHostKeys());
    assertEquals(Duration.ofSeconds(3), r.connectTimeout());

    ResolvedHost plain = SshConfig.resolve(new HostSpec(null, "web1", 22), options(config));
    assertEquals("deploy", plain.user());
    assertFalse(plain.acceptNewHostKeys(), "StrictHostKeyChecking yes");
    assertEquals(List.of(), plain.proxyJump());
  }

  @Test
  void theUserAndPortOfAHostEntryReachMatchBlocks() throws Exception {
    Path config = config(
        "Match user alice",
        "  Port 3333",
        "  IdentityFile " + tmp + "/%r_key",
        "Host *",
        "  Port 2222",
        "  StrictHostKeyChecking no");
    Path aliceKey = Files.writeString(tmp.resolve("alice_key"), "");
    ResolvedHost alice = SshConfig.resolve(new HostSpec("alice", "web1", 22), options(config));
    assertEquals(3333, alice.port());
    assertEquals(List.of(aliceKey), alice.identities());
    assertTrue(alice.acceptNewHostKeys(), "StrictHostKeyChecking no records new keys (never changed ones)");
    assertEquals(3333, SshConfig.resolve(new HostSpec(null, "web1", 22), options(config).withDefaultUser("alice")).port());
    assertEquals(2222, SshConfig.resolve(new HostSpec("bob", "web1", 22), options(config)).port());
    assertEquals(4444, SshConfig.resolve(new HostSpec("alice", "web1", 4444), options(config)).port(), "the entry's port wins");
  }

  @Test
  void withoutAConfigTheHostIsAsWrittenWithDefaults() throws Exception {
    ResolvedHost r = SshConfig.resolve(new HostSpec("u", "10.1.2.3", 2200), options(Path.of("/dev/null")));
    assertEquals("10.1.2.3", r.hostName());
    assertEquals(2200, r.port());
    assertEquals("u", r.user());
    assertEquals(List.of(Path.of(System.getProperty("user.home"), ".ssh/known_hosts"),
        Path.of(System.getProperty("user.home"), ".ssh/known_hosts2")), r.knownHosts());
    assertFalse(r.acceptNewHostKeys(), "ssh's default is ask, which herd cannot do");
    assertEquals(SshOptions.DEFAULT_CONNECT_TIMEOUT, r.connectTimeout());
    assertEquals(null, r.agent());
  }

  @Test
  void withoutSshHerdsOwnDefaultsApply() throws Exception {
    Path config = config("Host web1", "  HostName elsewhere.example.com");
    ResolvedHost r = SshConfig.resolve(new HostSpec(null, "web1", 22), options(config), tmp + "/no-such-ssh");
    assertEquals("web1", r.hostName());
    assertEquals(22, r.port());
    assertEquals(System.getProperty("user.name"), r.user());
    assertEquals(List.of(Path.of(System.getProperty("user.home"), ".ssh/known_hosts")), r.knownHosts());
  }

  @Test
  void aBrokenConfigFailsWithWhatSshSaid() throws Exception {
    Path config = config("Host web1", "  NoSuchOption yes");
    RemoteException e = assertThrows(RemoteException.class,
        () -> SshConfig.resolve(new HostSpec(null, "web1", 22), options(config)));
    assertEquals(RemoteException.Kind.LOCAL, e.kind());
    assertTrue(e.getMessage().startsWith("`ssh -G web1` failed (exit 255): "), e.getMessage());
    assertTrue(e.getMessage().contains("bad configuration option"), e.getMessage());
  }
}
