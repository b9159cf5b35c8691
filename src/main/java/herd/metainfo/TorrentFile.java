package herd.metainfo;

import herd.bencode.Bencode;
import herd.bencode.BencodeException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A .torrent file: where to announce, and the info dictionary. */
public record TorrentFile(String announce, Metainfo metainfo) {
  public static TorrentFile decode(byte[] torrent) {
    Map<String, Object> d = Bencode.decodeDict(torrent);
    if (!(d.get("announce") instanceof byte[] announce)) throw new BencodeException("a torrent without an announce URL");
    if (!(d.get("info") instanceof Map<?, ?> info)) throw new BencodeException("a torrent without an info dictionary");
    return new TorrentFile(new String(announce, StandardCharsets.UTF_8), Metainfo.decodeInfo(Bencode.encode(info)));
  }
}
