package herd.remote;

/**
 * The peer jar as cached on a host: its absolute remote path, and whether this call had to upload it; and the
 * class-data archive (AppCDS) of the jar for the host's java, beside it: its path (null if the host cannot name its
 * java, lacking sha256sum) and whether it is there already.
 */
public record PeerJar(String path, boolean uploaded, String archive, boolean archiveReady) {
  /** The cache directory the jar is in. */
  public String dir() {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
