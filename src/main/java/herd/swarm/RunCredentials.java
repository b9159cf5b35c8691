package herd.swarm;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * A certificate and EC private key made for one run, DER-encoded (X.509 and PKCS#8), shared by the seeder and every
 * peer of that run and by nobody else. Generating needs BouncyCastle, which only the controller has; peers just load
 * what they are sent.
 */
public record RunCredentials(byte[] certificateDer, byte[] privateKeyDer) {
  public static RunCredentials generate() throws IOException {
    try {
      SelfSignedCertificate ssc = new SelfSignedCertificate("herd-run", "EC", 256);
      try {
        return new RunCredentials(ssc.cert().getEncoded(), ssc.key().getEncoded());
      } finally {
        ssc.delete();
      }
    } catch (CertificateException e) {
      throw new IOException("cannot make the run's TLS certificate: " + e.getMessage(), e);
    }
  }

  X509Certificate certificate() throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(certificateDer));
  }

  PrivateKey privateKey() throws GeneralSecurityException {
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(privateKeyDer));
  }
}
