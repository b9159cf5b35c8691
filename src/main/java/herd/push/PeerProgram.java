package herd.push;

import java.io.IOException;
import java.io.InputStream;

/** The peer jar built into herd's own jar, to be copied to hosts. */
final class PeerProgram {
  static final String RESOURCE = "/herd/peer.jar";

  /**
   * JVM flags for the peer, measured on 1 GiB received over TLS: a small heap and one Netty arena each (peak
   * resident memory 118 MB instead of 157 MB); C2 compiling only really hot code (about 15% fewer CPU-seconds, much
   * of a short run being JIT warm-up otherwise); one-line log records.
   */
  static final String JAVA_FLAGS = "-XX:+UseSerialGC -Xms16m -Xmx64m -XX:MaxDirectMemorySize=64m"
      + " -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1"
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
