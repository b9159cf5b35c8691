package herd.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Checks host keys against one known_hosts file and remembers why it refused one, since sshj's own exception does not
 * say. With {@code acceptNew}, an unknown host's key is appended to the file; a changed key is always refused.
 * One instance serves one connection.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {
  /** Appends from parallel connections go through here one at a time. */
  private static final Object APPEND_LOCK = new Object();

  private final Path file;
  private final boolean acceptNew;
  private volatile RemoteException refusal;

  private KnownHostsVerifier(Path file, boolean acceptNew) throws IOException {
    super(file.toFile());
    this.file = file;
    this.acceptNew = acceptNew;
  }

  static KnownHostsVerifier load(Path file, boolean acceptNew) throws RemoteException {
    try {
      return new KnownHostsVerifier(file, acceptNew);
    } catch (IOException e) {
      throw new RemoteException(RemoteException.Kind.LOCAL, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Why the last host key was refused, or null if none was. */
  RemoteException refusal() {
    return refusal;
  }

  @Override
  protected boolean hostKeyUnverifiableAction(String knownHostsName, PublicKey key) {
    if (!acceptNew) {
      refusal = new RemoteException(
          RemoteException.Kind.HOST_KEY_UNKNOWN,
          "host key not in " + file + " (use --accept-new-host-keys to record it)");
      return false;
    }
    try {
      synchronized (APPEND_LOCK) {
        return appendUnlessKnown(knownHostsName, key);
      }
    } catch (IOException e) {
      refusal = new RemoteException(
          RemoteException.Kind.LOCAL, "cannot record host key in " + file + ": " + e.getMessage(), e);
      return false;
    }
  }

  @Override
  protected boolean hostKeyChangedAction(String knownHostsName, PublicKey key) {
    int line;
    try {
      line = scan(knownHostsName, key).firstLine();
    } catch (IOException e) {
      line = 0;
    }
    refuseChanged(key, line);
    return false;
  }

  /** Re-reads the file, since another connection may have recorded this host meanwhile. */
  private boolean appendUnlessKnown(String knownHostsName, PublicKey key) throws IOException {
    Scan scan = scan(knownHostsName, key);
    if (scan.verified()) {
      return true;
    }
    if (scan.firstLine() > 0) {
      refuseChanged(key, scan.firstLine());
      return false;
    }
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    String entry = new HostEntry(null, knownHostsName, KeyType.fromKey(key), key).getLine() + "\n";
    if (lacksFinalNewline()) {
      entry = "\n" + entry;
    }
    Files.writeString(file, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return true;
  }

  private void refuseChanged(PublicKey key, int line) {
    String where = line > 0 ? file + " line " + line : file.toString();
    refusal = new RemoteException(
        RemoteException.Kind.HOST_KEY_CHANGED,
        "HOST KEY CHANGED: " + KeyType.fromKey(key) + " " + fingerprint(key) + " differs from " + where);
  }

  /**
   * The first line naming this host with this key type (1-based, 0 if none), and whether any such line has this key.
   */
  private record Scan(int firstLine, boolean verified) {}

  private Scan scan(String knownHostsName, PublicKey key) throws IOException {
    List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    KeyType type = KeyType.fromKey(key);
    EntryFactory factory = new EntryFactory();
    int firstLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      try {
        KnownHostEntry entry = factory.parseEntry(lines.get(i));
        if (entry != null && entry.appliesTo(type, knownHostsName)) {
          if (entry.verify(key)) {
            return new Scan(i + 1, true);
          }
          firstLine = firstLine == 0 ? i + 1 : firstLine;
        }
      } catch (IOException | RuntimeException e) {
        // A line sshj cannot parse applies to no host, as when sshj loaded the file.
      }
    }
    return new Scan(firstLine, false);
  }

  private boolean lacksFinalNewline() throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      if (channel.size() == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.position(channel.size() - 1).read(last);
      return last.get(0) != '\n';
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** OpenSSH's form: {@code SHA256:} and the unpadded base64 of the key blob's SHA-256. */
  static String fingerprint(PublicKey key) {
    byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
