package herd.push;

import java.io.IOException;
import java.io.InputStream;

/** The peer jar built into herd's own jar, to be copied to hosts. */
final class PeerProgram {
  static final String RESOURCE = "/herd/peer.jar";

  /**
   * JVM flags for the peer: a small heap; C2 compiles only really hot code (measured: about 15% fewer CPU-seconds
   * per GiB received, most of a peer's run being JIT warm-up otherwise); one-line log records.
   */
  static final String JAVA_FLAGS = "-XX:+UseSerialGC -Xms32m -Xmx128m -XX:MaxDirectMemorySize=64m"
      + " -XX:Tier4InvocationThreshold=30000 -XX:Tier4CompileThreshold=30000"
      + " '-Djava.util.logging.SimpleFormatter.format=%4$s %5$s%6$s%n'";

  private PeerProgram() {}

  static byte[] load() throws IOException {
    try (InputStream in = PeerProgram.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IOException("this build of herd has no peer program (" + RESOURCE + "); build it with ./mvnw package");
      return in.readAllBytes();
    }
  }
}
