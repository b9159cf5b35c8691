package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSH certificates, as far as sshj 0.40 supports them (ed25519 here): a {@code KEY-cert.pub} beside an identity
 * file logs in where the plain key is not authorized, and an {@code @cert-authority} line in known_hosts vouches for a
 * host's certificate. They guard the known_hosts reading that herd does itself.
 */
final class CertificateTest {
  private static LocalSshd sshd;
  @TempDir static Path ca;
  @TempDir Path tmp;

  @BeforeAll
  static void startSshd() throws Exception {
    LocalSshd.keygen(ca.resolve("ca"));
    sshd = LocalSshd.start(ca.resolve("ca"));
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) sshd.close();
  }

  private Path certAuthorityKnownHosts() throws Exception {
    String[] caKey = Files.readString(ca.resolve("ca.pub")).strip().split(" ");
    return Files.writeString(tmp.resolve("known_hosts"), "@cert-authority 127.0.0.1,[127.0.0.1]:* " + caKey[0] + " " + caKey[1] + "\n");
  }

  @Test
  void aCertificateBesideTheKeyLogsIn() throws Exception {
    Path key = tmp.resolve("certified");
    LocalSshd.keygen(key);
    SshOptions opts = sshd.options().withIdentities(List.of(key)).withKnownHosts(certAuthorityKnownHosts());
    RemoteException e = assertThrows(RemoteException.class, () -> RemoteSession.connect(sshd.host(), opts));
    assertEquals(RemoteException.Kind.AUTH_FAILED, e.kind(), "the plain key is not authorized");

    LocalSshd.run("ssh-keygen", "-q", "-s", ca.resolve("ca").toString(), "-I", "herd-test-user", "-n",
        System.getProperty("user.name"), "-V", "-5m:+1h", key + ".pub");
    try (RemoteSession session = RemoteSession.connect(sshd.host(), opts, new KeyFiles(k -> null), SshOptions.LOGIN_TIMEOUT)) {
      assertEquals("ok\n", session.run("echo ok"));
    }
  }

  @Test
  void aCertAuthorityLineVouchesForTheHostCertificate() throws Exception {
    try (RemoteSession session = RemoteSession.connect(sshd.host(), sshd.options().withKnownHosts(certAuthorityKnownHosts()))) {
      assertEquals("ok\n", session.run("echo ok"));
    }
    Path otherCa = tmp.resolve("other_ca");
    LocalSshd.keygen(otherCa);
    String[] other = Files.readString(Path.of(otherCa + ".pub")).strip().split(" ");
    Path wrongCa = Files.writeString(tmp.resolve("wrong_ca"), "@cert-authority * " + other[0] + " " + other[1] + "\n");
    RemoteException e = assertThrows(RemoteException.class,
        () -> RemoteSession.connect(sshd.host(), sshd.options().withKnownHosts(wrongCa)));
    assertEquals(RemoteException.Kind.HOST_KEY_UNKNOWN, e.kind());
    assertEquals("host certificate not signed by the CA of " + wrongCa + " line 1", e.getMessage());
  }
}
