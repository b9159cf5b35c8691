package herd.peer;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import herd.metainfo.Metainfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What herd tells a peer over its SSH channel: one line of base64 over a bencoded dictionary, so that no secret
 * or path ever appears on a command line.
 *
 * @param info the bencoded info dictionary of the torrent
 * @param trackerUrl the announce URL, on the address this host reached herd at
 * @param dest the absolute destination path (an existing directory means: inside it, under the torrent's name)
 * @param mode the POSIX permission bits to give the placed file
 */
public record PeerConfig(byte[] info, String trackerUrl, String dest, int mode) {
  public String encodeLine() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("info", info);
    d.put("tracker", trackerUrl);
    d.put("dest", dest);
    d.put("mode", mode);
    return Base64.getEncoder().encodeToString(Bencode.encode(d));
  }

  public static PeerConfig decodeLine(String line) {
    try {
      Map<String, Object> d = Bencode.decodeDict(Base64.getDecoder().decode(line.trim()));
      return new PeerConfig((byte[]) d.get("info"), string(d, "tracker"), string(d, "dest"),
          Math.toIntExact((Long) d.get("mode")));
    } catch (IllegalArgumentException | ClassCastException | NullPointerException | ArithmeticException e) {
      throw new BencodeException("bad peer configuration: " + e);
    }
  }

  public Metainfo metainfo() {
    return Metainfo.decodeInfo(info);
  }

  private static String string(Map<String, Object> d, String key) {
    return new String((byte[]) d.get(key), StandardCharsets.UTF_8);
  }
}
