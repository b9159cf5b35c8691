package herd.swarm;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.CertificateException;

/**
 * A certificate and private key made for one run, in PEM, shared by the seeder and every peer of that run and by
 * nobody else. Generating needs BouncyCastle, which only the controller has; peers just load what they are sent.
 */
public record RunCredentials(byte[] certificatePem, byte[] privateKeyPem) {
  public static RunCredentials generate() throws IOException {
    try {
      SelfSignedCertificate ssc = new SelfSignedCertificate("herd-run", "EC", 256);
      try {
        return new RunCredentials(Files.readAllBytes(ssc.certificate().toPath()), Files.readAllBytes(ssc.privateKey().toPath()));
      } finally {
        ssc.delete();
      }
    } catch (CertificateException e) {
      throw new IOException("cannot make the run's TLS certificate: " + e.getMessage(), e);
    }
  }
}
