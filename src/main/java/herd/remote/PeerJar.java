package herd.remote;

/** The peer jar as cached on a host: its absolute remote path, and whether this call had to upload it. */
public record PeerJar(String path, boolean uploaded) {
  /** The cache directory the jar is in. */
  public String dir() {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
