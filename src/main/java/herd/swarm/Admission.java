package herd.swarm;

import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;

/**
 * Who may join a swarm. A push has a per-run secret that reaches hosts only over SSH: every peer id carries a MAC
 * of it, and connections whose peer id does not are closed after the handshake. With TLS, every connection is
 * also mutually authenticated with the run's own certificate and key, so an outsider cannot even finish the TLS
 * handshake, and nobody on the network sees the data. An open admission (no secret) lets any client in, for
 * interoperating with standard clients.
 */
public final class Admission {
  private static final byte[] PREFIX = "-HD0100-".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE = 6;
  private static final int MAC = 20 - PREFIX.length - NONCE;
  private static final String[] PROTOCOLS = {"TLSv1.3"};
  /** AES-128-GCM: the cheapest suite on CPUs with AES instructions, and plenty for a key that lives one run. */
  private static final String[] CIPHERS = {"TLS_AES_128_GCM_SHA256"};

  private final byte[] secret;
  private final X509KeyManager key;
  private final TrustManager trust;
  private SSLContext context;

  private Admission(byte[] secret, X509KeyManager key, TrustManager trust) {
    this.secret = secret;
    this.key = key;
    this.trust = trust;
  }

  /** Anyone may connect. */
  public static Admission open() {
    return new Admission(null, null, null);
  }

  /**
   * Members only: they know {@code secret}; with {@code tls}, they also hold the run's certificate and key. The
   * credentials are checked here; the TLS contexts are built on the first connection, so a peer that never talks
   * to anyone (a rerun's) never pays for them.
   */
  public static Admission members(byte[] secret, RunCredentials tls) throws SSLException {
    if (tls == null) return new Admission(secret.clone(), null, null);
    try {
      X509Certificate certificate = tls.certificate();
      return new Admission(secret.clone(), RunTrust.keyManager(certificate, tls.privateKey()), RunTrust.trustManager(certificate));
    } catch (GeneralSecurityException e) {
      throw new SSLException("cannot load the run's TLS credentials: " + e.getMessage(), e);
    }
  }

  public boolean tls() {
    return key != null;
  }

  /** A fresh peer id for this process; a member's proves it knows the secret. */
  byte[] newPeerId(byte[] infoHash) {
    byte[] id = new byte[20];
    new SecureRandom().nextBytes(id);
    System.arraycopy(PREFIX, 0, id, 0, PREFIX.length);
    if (secret != null) System.arraycopy(mac(infoHash, id), 0, id, PREFIX.length + NONCE, MAC);
    return id;
  }

  /** Whether a peer presenting {@code peerId} may stay. */
  boolean admits(byte[] infoHash, byte[] peerId) {
    if (secret == null) return true;
    byte[] expected = mac(infoHash, peerId);
    return MessageDigest.isEqual(Arrays.copyOf(expected, MAC),
        Arrays.copyOfRange(peerId, PREFIX.length + NONCE, PREFIX.length + NONCE + MAC));
  }

  /**
   * What announces must carry so the tracker lets them in, as URL-safe hex: derived from the secret, so that a
   * token seen on the network does not give away the secret.
   */
  public static String trackerToken(byte[] secret) {
    return HexFormat.of().formatHex(hmac(secret, "herd tracker".getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * A TLS handler for one connection, on the JDK's own {@link SSLContext}: Netty's SSL contexts would cost every
   * process a probe of the JDK (a PKCS#12 key store with 10,000 rounds of key derivation, and their JIT compiling)
   * and a load of the system's trusted CAs, none of which a pinned certificate needs.
   */
  synchronized SslHandler sslHandler(boolean outgoing) throws SSLException {
    if (context == null) {
      try {
        context = SSLContext.getInstance(PROTOCOLS[0]);
        context.init(new KeyManager[] {key}, new TrustManager[] {trust}, null);
      } catch (GeneralSecurityException e) {
        throw new SSLException("cannot set up TLS: " + e.getMessage(), e);
      }
    }
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(outgoing);
    if (!outgoing) engine.setNeedClientAuth(true);
    engine.setEnabledProtocols(PROTOCOLS);
    engine.setEnabledCipherSuites(CIPHERS);
    return new SslHandler(engine);
  }

  private byte[] mac(byte[] infoHash, byte[] peerId) {
    byte[] input = Arrays.copyOf(infoHash, infoHash.length + NONCE);
    System.arraycopy(peerId, PREFIX.length, input, infoHash.length, NONCE);
    return hmac(secret, input);
  }

  private static byte[] hmac(byte[] key, byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
