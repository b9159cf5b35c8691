package herd.remote;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identity files, each read once per process and shared by every connection: hosts connect in parallel, and a
 * passphrase is asked for once per key file, not once per host. An encrypted key is unlocked only when a server has
 * accepted its public key (its {@link KeyFile#getPrivate()} throws {@link Locked} until then), so a key that the agent
 * also holds never needs its passphrase. Where there is no terminal to ask on, such a key fails with {@code key F is
 * encrypted: load it into ssh-agent}.
 */
final class KeyFiles {
  private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);
  /** As ssh's NumberOfPasswordPrompts. */
  private static final int PROMPTS = 3;
  private static final Object CONSOLE_LOCK = new Object();
  private static final String V1_HEADER = "-----BEGIN OPENSSH PRIVATE KEY-----";
  private static final String V1_FOOTER = "-----END OPENSSH PRIVATE KEY-----";

  /** Asks for the passphrase of {@code key}; null when there is no terminal to ask on. */
  interface Passphrases {
    char[] ask(Path key);
  }

  /** The files of this process, asking for passphrases on its console (none without a terminal). */
  static final KeyFiles SHARED = new KeyFiles(KeyFiles::askConsole);

  private final Passphrases passphrases;
  private final ConcurrentHashMap<Path, KeyFile> files = new ConcurrentHashMap<>();

  KeyFiles(Passphrases passphrases) {
    this.passphrases = passphrases;
  }

  private static char[] askConsole(Path key) {
    Console console = System.console();
    if (console == null) return null;
    synchronized (CONSOLE_LOCK) {
      return console.readPassword("Enter passphrase for key '%s': ", key);
    }
  }

  /** The file at {@code path}, read (its public part, and the private key unless encrypted) on first use. */
  KeyFile get(Path path, SSHClient loader) throws IOException {
    KeyFile file = files.computeIfAbsent(path.toAbsolutePath().normalize(), KeyFile::new);
    file.read(loader);
    return file;
  }

  /** A private key was needed that is still encrypted: see {@link KeyFile#unlock}. */
  static final class Locked extends IOException {
    Locked(KeyFile file) {
      super("key " + file.path + " is encrypted");
    }
  }

  /** One identity file, as sshj's key provider: its public key is known without a passphrase when possible. */
  final class KeyFile implements KeyProvider {
    final Path path;
    private final Object unlockLock = new Object();
    private boolean read;
    private volatile boolean encrypted;
    private volatile PublicKey publicKey;
    private volatile List<ByteBuffer> publicBlobs = List.of();
    private volatile KeyProvider keys;
    private volatile String unusable;

    private KeyFile(Path path) {
      this.path = path;
    }

    private synchronized void read(SSHClient loader) throws IOException {
      if (read) return;
      String text = Files.readString(path, StandardCharsets.ISO_8859_1);
      byte[] v1 = v1Body(text);
      encrypted = v1 != null ? !"none".equals(v1Cipher(v1))
          : text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
              || (text.startsWith("PuTTY-User-Key-File") && !text.contains("Encryption: none"));
      List<PublicKey> publics = new ArrayList<>();
      for (String suffix : List.of("-cert.pub", ".pub")) {
        Path pub = Path.of(path + suffix);
        if (Files.isRegularFile(pub)) publics.add(readPublic(pub));
      }
      if (v1 != null) publics.add(v1Public(v1));
      if (!encrypted) {
        KeyProvider provider = loader.loadKeys(path.toString());
        provider.getPrivate();
        publics.add(provider.getPublic());
        keys = provider;
      }
      List<ByteBuffer> blobs = new ArrayList<>();
      for (PublicKey key : publics) blobs.add(ByteBuffer.wrap(blob(key)));
      publicBlobs = blobs;
      // sshj offers the certificate when there is one beside the key.
      publicKey = publics.isEmpty() ? null : publics.get(0);
      read = true;
    }

    /** Whether {@code blob} is this file's public key or its certificate. */
    boolean matches(byte[] blob) {
      return publicBlobs.contains(ByteBuffer.wrap(blob));
    }

    /** The public key blob offered for this file, or null if it cannot be known without the passphrase. */
    byte[] offeredBlob() {
      PublicKey key = publicKey;
      return key == null ? null : blob(key);
    }

    /**
     * Makes the private key usable, asking for the passphrase (up to 3 times, once for all threads) if it is encrypted;
     * returns null then, or why the key cannot be used. An empty answer skips the key for the rest of the run, as
     * does a third wrong one.
     */
    String unlock(SSHClient loader) {
      synchronized (unlockLock) {
        if (keys != null) return null;
        if (unusable != null) return unusable;
        for (int attempt = 0; attempt < PROMPTS; attempt++) {
          char[] passphrase = passphrases.ask(path);
          if (passphrase == null) return "key " + path + " is encrypted: load it into ssh-agent";
          if (passphrase.length == 0) return unusable = "no passphrase given for key " + path;
          try {
            KeyProvider provider = loader.loadKeys(path.toString(), passphrase);
            provider.getPrivate();
            if (publicKey == null) publicKey = provider.getPublic();
            keys = provider;
            return null;
          } catch (IOException | RuntimeException e) {
            log.debug("{}: {}", path, e.toString());
          } finally {
            Arrays.fill(passphrase, '\0');
          }
        }
        return unusable = "wrong passphrase for key " + path;
      }
    }

    @Override
    public PublicKey getPublic() throws IOException {
      PublicKey key = publicKey;
      if (key == null) throw new Locked(this);
      return key;
    }

    @Override
    public PrivateKey getPrivate() throws IOException {
      KeyProvider provider = keys;
      if (provider == null) throw new Locked(this);
      return provider.getPrivate();
    }

    @Override
    public KeyType getType() throws IOException {
      return KeyType.fromKey(getPublic());
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  static byte[] blob(PublicKey key) {
    return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
  }

  private static PublicKey readPublic(Path pub) throws IOException {
    String[] fields = Files.readString(pub, StandardCharsets.UTF_8).strip().split("\\s+");
    if (fields.length < 2) throw new IOException("no key in " + pub);
    try {
      return new Buffer.PlainBuffer(Base64.getDecoder().decode(fields[1])).readPublicKey();
    } catch (IllegalArgumentException e) {
      throw new IOException("bad key in " + pub, e);
    }
  }

  /** The binary body of an OpenSSH (v1) private key file, or null if it is in another format. */
  private static byte[] v1Body(String text) throws IOException {
    int start = text.indexOf(V1_HEADER);
    int end = text.indexOf(V1_FOOTER);
    if (start < 0 || end < start) return null;
    try {
      return Base64.getMimeDecoder().decode(text.substring(start + V1_HEADER.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IOException("bad base64 in key file", e);
    }
  }

  /** The v1 format: "openssh-key-v1\0", cipher, KDF, KDF options, the number of keys, then the public keys in clear. */
  private static Buffer.PlainBuffer v1Fields(byte[] body) throws IOException {
    byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    if (body.length < magic.length || !Arrays.equals(Arrays.copyOf(body, magic.length), magic)) {
      throw new IOException("not an openssh-key-v1 key");
    }
    return new Buffer.PlainBuffer(Arrays.copyOfRange(body, magic.length, body.length));
  }

  private static String v1Cipher(byte[] body) throws IOException {
    return v1Fields(body).readString();
  }

  private static PublicKey v1Public(byte[] body) throws IOException {
    Buffer.PlainBuffer fields = v1Fields(body);
    fields.readString(); // cipher
    fields.readString(); // KDF
    fields.readBytes(); // KDF options
    fields.readUInt32AsInt(); // number of keys: 1
    return new Buffer.PlainBuffer(fields.readBytes()).readPublicKey();
  }
}
