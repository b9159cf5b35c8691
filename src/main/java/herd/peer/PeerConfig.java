package herd.peer;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import herd.metainfo.Layout;
import herd.metainfo.Metainfo;
import herd.swarm.Admission;
import herd.swarm.RunCredentials;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * What herd tells a peer over its SSH channel: one line of base64 over a bencoded dictionary, so that no secret
 * or path ever appears on a command line.
 *
 * @param info the bencoded info dictionary of the torrent
 * @param trackerUrl the announce URL, on the address this host reached herd at
 * @param dest the absolute destination path (an existing directory means: inside it, under the torrent's name)
 * @param mode the POSIX permission bits to give the placed file
 * @param contentDigest the source's content digest ({@link herd.metainfo.Hashing}), which the assembled file must
 *     match before it replaces DEST; null to skip
 * @param secret the run's secret, which every member proves it knows; null for an open swarm
 * @param tls the run's TLS certificate and key; null without TLS
 * @param verifiedDir where this host remembers the files it verified ({@link VerifiedFiles}); null for no memory
 * @param fullCheck whether to read and hash a DEST that already exists even if it is remembered as verified
 * @param seeder where this peer reaches herd's seeder, {@code host:port}, when the tracker does not hand it out (a
 *     host behind a bastion reaches it through a forward on its own loopback); null otherwise
 * @param layout for a directory (a multi-file torrent), its permission bits and directories; null for one file
 * @param force for a directory, whether a DEST that exists and is not empty is replaced rather than refused
 * @param rateLimit the most bytes a second this peer uploads, and downloads, in all; 0 for no limit
 * @param mtime for one file, the modification time to give it, in milliseconds since the epoch; -1 to leave it
 * @param owner for one file, its owner and group to give it, {@code USER}, {@code USER:GROUP} or {@code :GROUP}; null
 *     to keep an existing DEST's owner and group where this user may
 */
public record PeerConfig(byte[] info, String trackerUrl, String dest, int mode, byte[] contentDigest, byte[] secret,
    RunCredentials tls, String verifiedDir, boolean fullCheck, String seeder, Layout layout, boolean force,
    long rateLimit, long mtime, String owner) {
  public String encodeLine() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("info", info);
    d.put("tracker", trackerUrl);
    d.put("dest", dest);
    d.put("mode", mode);
    if (contentDigest != null) d.put("digest", contentDigest);
    if (secret != null) d.put("secret", secret);
    if (tls != null) {
      d.put("cert", tls.certificateDer());
      d.put("key", tls.privateKeyDer());
    }
    if (verifiedDir != null) d.put("verified", verifiedDir);
    if (fullCheck) d.put("full-check", 1);
    if (seeder != null) d.put("seeder", seeder);
    if (layout != null) d.put("layout", layout.encode());
    if (force) d.put("force", 1);
    if (rateLimit > 0) d.put("rate", rateLimit);
    if (mtime >= 0) d.put("mtime", mtime);
    if (owner != null) d.put("owner", owner);
    return Base64.getEncoder().encodeToString(Bencode.encode(d));
  }

  /** Who this peer lets in. */
  public Admission admission() throws SSLException {
    return secret == null ? Admission.open() : Admission.members(secret, tls);
  }

  public static PeerConfig decodeLine(String line) {
    try {
      Map<String, Object> d = Bencode.decodeDict(Base64.getDecoder().decode(line.trim()));
      RunCredentials tls = d.containsKey("cert") ? new RunCredentials((byte[]) d.get("cert"), (byte[]) d.get("key")) : null;
      return new PeerConfig((byte[]) d.get("info"), string(d, "tracker"), string(d, "dest"),
          Math.toIntExact((Long) d.get("mode")), (byte[]) d.get("digest"), (byte[]) d.get("secret"), tls,
          d.containsKey("verified") ? string(d, "verified") : null, d.containsKey("full-check"),
          d.containsKey("seeder") ? string(d, "seeder") : null,
          d.get("layout") instanceof Map<?, ?> layout ? Layout.decode(layout) : null, d.containsKey("force"),
          d.get("rate") instanceof Long rate ? rate : 0,
          d.get("mtime") instanceof Long mtime ? mtime : -1, d.containsKey("owner") ? string(d, "owner") : null);
    } catch (IllegalArgumentException | ClassCastException | NullPointerException | ArithmeticException e) {
      throw new BencodeException("bad peer configuration: " + e);
    }
  }

  /** {@link #seeder()} as a socket address ({@code [v6]:port} or {@code v4:port}), or null. */
  InetSocketAddress seederAddress() {
    if (seeder == null) return null;
    int colon = seeder.lastIndexOf(':');
    String host = seeder.substring(0, colon);
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
    return new InetSocketAddress(host, Integer.parseInt(seeder.substring(colon + 1)));
  }

  public Metainfo metainfo() {
    return Metainfo.decodeInfo(info);
  }

  private static String string(Map<String, Object> d, String key) {
    return new String((byte[]) d.get(key), StandardCharsets.UTF_8);
  }
}
