package herd.swarm;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * JSSE's view of a run's credentials, on both ends of every connection: we present the run's certificate, and
 * trust exactly that certificate and nothing else. This is certificate pinning rather than PKIX path building, and
 * it keeps the key in memory instead of a password-protected key store: both matter to a cold peer JVM, where
 * PKCS#12's key derivation alone cost more than a handshake.
 */
final class RunTrust {
  private static final String ALIAS = "herd-run";

  private RunTrust() {}

  static X509ExtendedKeyManager keyManager(X509Certificate certificate, PrivateKey key) {
    X509Certificate[] chain = {certificate};
    String[] aliases = {ALIAS};
    return new X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases;
      }

      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases;
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
      }

      @Override
      public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return chain.clone();
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return key;
      }
    };
  }

  static X509ExtendedTrustManager trustManager(X509Certificate certificate) {
    return new X509ExtendedTrustManager() {
      private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1 || !chain[0].equals(certificate)) {
          throw new CertificateException("not this run's certificate");
        }
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {certificate};
      }
    };
  }
}
