package herd.remote;

import java.io.IOException;
import java.io.StringReader;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts.HostEntry;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts.KnownHostEntry;

/**
 * Checks host keys against known_hosts files, as ssh does with UserKnownHostsFile and GlobalKnownHostsFile: a key is
 * accepted if any line of any file for this host has it (or, with {@code @cert-authority}, signed its certificate), and
 * refused as changed if some line names the host with another key of its type. Remembers why it refused a key, since
 * sshj's own exception does not say. With {@code acceptNew}, an unknown host's key is appended to the first user file;
 * a changed key is always refused. The files are read at each check, so keys recorded by parallel connections count.
 * One instance serves one connection.
 */
final class KnownHostsVerifier implements HostKeyVerifier {
  /** Appends from parallel connections go through here one at a time. */
  private static final Object APPEND_LOCK = new Object();
  private static final OpenSSHKnownHosts.EntryFactory ENTRIES = entryFactory();

  private final List<Path> userFiles;
  private final List<Path> globalFiles;
  private final boolean acceptNew;
  private volatile RemoteException refusal;

  KnownHostsVerifier(List<Path> userFiles, List<Path> globalFiles, boolean acceptNew) {
    if (userFiles.isEmpty()) throw new IllegalArgumentException("no known_hosts file");
    this.userFiles = List.copyOf(userFiles);
    this.globalFiles = List.copyOf(globalFiles);
    this.acceptNew = acceptNew;
  }

  private static OpenSSHKnownHosts.EntryFactory entryFactory() {
    try {
      return new OpenSSHKnownHosts(new StringReader("")).new EntryFactory();
    } catch (IOException e) {
      throw new IllegalStateException("reading an empty string", e);
    }
  }

  /** Why the last host key was refused, or null if none was. */
  RemoteException refusal() {
    return refusal;
  }

  @Override
  public boolean verify(String hostname, int port, PublicKey key) {
    String name = knownHostsName(hostname, port);
    try {
      Scan scan = scan(name, key);
      if (scan.verified()) return true;
      if (refusedByALine(scan, key)) return false;
      if (!acceptNew) {
        String files = userFiles.stream().map(Path::toString).collect(Collectors.joining(" or "));
        refusal = new RemoteException(
            RemoteException.Kind.HOST_KEY_UNKNOWN, "host key not in " + files + " (use --accept-new-host-keys to record it)");
        return false;
      }
      synchronized (APPEND_LOCK) {
        return appendUnlessKnown(name, key);
      }
    } catch (IOException e) {
      refusal = new RemoteException(RemoteException.Kind.LOCAL, "cannot use known_hosts: " + e.getMessage(), e);
      return false;
    }
  }

  @Override
  public List<String> findExistingAlgorithms(String hostname, int port) {
    String name = knownHostsName(hostname, port);
    Set<String> types = new LinkedHashSet<>();
    for (Path file : files()) {
      for (String line : lines(file)) {
        KnownHostEntry entry = parse(line);
        try {
          if (entry == null || !entry.appliesTo(name)) continue;
        } catch (IOException e) {
          continue;
        }
        if (line.trim().startsWith("@cert-authority")) {
          // Only the CA's key type is known, so any certificate type may come.
          for (KeyType type : KeyType.values()) {
            if (type.getParent() != null) types.add(type.toString());
          }
        } else if (!line.trim().startsWith("@")) {
          types.add(entry.getType().toString());
        }
      }
    }
    return new ArrayList<>(types);
  }

  /** Re-reads the files, since another connection may have recorded this host meanwhile. */
  private boolean appendUnlessKnown(String name, PublicKey key) throws IOException {
    Scan scan = scan(name, key);
    if (scan.verified()) return true;
    if (refusedByALine(scan, key)) return false;
    Path file = userFiles.get(0);
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    String entry = new HostEntry(null, name, KeyType.fromKey(key), key).getLine() + "\n";
    if (lacksFinalNewline(file)) {
      entry = "\n" + entry;
    }
    Files.writeString(file, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return true;
  }

  /** Refuses the key if some line names this host: with another key (changed), or as a CA that did not sign it. */
  private boolean refusedByALine(Scan scan, PublicKey key) {
    if (scan.untrustedCertificate() != null) {
      refusal = new RemoteException(RemoteException.Kind.HOST_KEY_UNKNOWN,
          "host certificate not signed by the CA of " + scan.untrustedCertificate());
      return true;
    }
    if (scan.firstLine() != null) {
      refuseChanged(key, scan.firstLine());
      return true;
    }
    return false;
  }

  private void refuseChanged(PublicKey key, String where) {
    refusal = new RemoteException(
        RemoteException.Kind.HOST_KEY_CHANGED,
        "HOST KEY CHANGED: " + KeyType.fromKey(key) + " " + fingerprint(key) + " differs from " + where);
  }

  /**
   * Whether a line accepts this key; where the first line naming this host with another key of this type is ({@code
   * FILE line N}, null if none); and where the first {@code @cert-authority} line for this host is when it did not
   * sign this certificate. A {@code @revoked} line with this key refuses it whatever other lines say.
   */
  private record Scan(String firstLine, String untrustedCertificate, boolean verified) {}

  private Scan scan(String name, PublicKey key) throws IOException {
    KeyType type = KeyType.fromKey(key);
    String firstLine = null;
    String caLine = null;
    boolean verified = false;
    for (Path file : files()) {
      List<String> lines = lines(file);
      for (int i = 0; i < lines.size(); i++) {
        KnownHostEntry entry = parse(lines.get(i));
        if (entry == null || !entry.appliesTo(type, name)) continue;
        String marker = lines.get(i).trim();
        String where = file + " line " + (i + 1);
        if (marker.startsWith("@revoked")) {
          if (sameKey(entry, key)) return new Scan(where + " (@revoked)", null, false);
        } else if (entry.verify(key)) {
          verified = true;
        } else if (marker.startsWith("@cert-authority")) {
          caLine = caLine == null ? where : caLine;
        } else if (firstLine == null) {
          firstLine = where;
        }
      }
    }
    if (verified) return new Scan(null, null, true);
    return new Scan(firstLine, firstLine == null ? caLine : null, false);
  }

  private static boolean sameKey(KnownHostEntry revoked, PublicKey key) throws IOException {
    // verify() is false for @revoked lines; compare the key in the line with the key instead.
    String line = revoked.getLine().trim();
    String[] fields = line.split("\\s+");
    return fields.length >= 4 && fields[3].equals(Base64.getEncoder().encodeToString(KeyFiles.blob(key)));
  }

  private List<Path> files() {
    List<Path> all = new ArrayList<>(userFiles);
    all.addAll(globalFiles);
    return all;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      // A missing or unreadable file knows no host, as with ssh.
      return List.of();
    }
  }

  /** The line's entry, or null for a comment or a line sshj cannot parse (which applies to no host, as in ssh). */
  private static KnownHostEntry parse(String line) {
    try {
      KnownHostEntry entry = ENTRIES.parseEntry(line);
      return entry instanceof HostEntry ? entry : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String knownHostsName(String hostname, int port) {
    String lower = hostname.toLowerCase(Locale.ROOT);
    return port != 22 ? "[" + lower + "]:" + port : lower;
  }

  private static boolean lacksFinalNewline(Path file) throws IOException {
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
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(KeyFiles.blob(key));
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
