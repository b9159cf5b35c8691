package herd.push;

import herd.peer.PeerMain;
import herd.remote.PeerJar;
import herd.remote.Shell;
import java.io.IOException;
import java.io.InputStream;

/** The peer jar built into herd's own jar, to be copied to hosts. */
final class PeerProgram {
  static final String RESOURCE = "/herd/peer.jar";

  /**
   * The JIT's policy, the controller's too (the {@code herd} launcher, src/main/sh/stub.sh, passes the same flags):
   * C2 compiling only really hot code (about 15% fewer CPU-seconds on 1 GiB, much of a short run being JIT warm-up
   * otherwise), except the JDK's ciphers and digests. Their AES, GHASH and SHA instructions are C2 intrinsics, used
   * only once C2 compiled the methods that call them, which without a lower threshold for those classes waits for
   * about 30,000 TLS records: a push under about 500 MiB ran GCM's pure-Java GHASH throughout (one peer receiving
   * 64 MiB: 3.5 CPU-seconds before, 2.0-2.6 after). The patterns are quoted for the shell.
   */
  static final String JIT_FLAGS = "-XX:Tier4InvocationThreshold=30000 -XX:Tier4CompileThreshold=30000"
      + " -XX:CompileCommand=quiet"
      + " '-XX:CompileCommand=CompileThresholdScaling,com/sun/crypto/provider/*.*,0.01'"
      + " '-XX:CompileCommand=CompileThresholdScaling,sun/security/provider/*.*,0.01'";

  /**
   * JVM flags for the peer, measured on 1 GiB received over TLS: a small heap and one Netty arena each (peak
   * resident memory 118 MB instead of 157 MB); {@link #JIT_FLAGS}; one-line log records. A java older than 17
   * ignores the -XX flags it does not know, so that it goes on to refuse the peer's classes in words herd recognises
   * ({@link herd.remote.JavaVersions}).
   */
  static final String JAVA_FLAGS = "-XX:+IgnoreUnrecognizedVMOptions -XX:+UseSerialGC -Xms16m -Xmx64m -XX:MaxDirectMemorySize=64m"
      + " -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1 " + JIT_FLAGS
      + " '-Djava.util.logging.SimpleFormatter.format=%4$s %5$s%6$s%n'";

  /**
   * Content up to this size is pushed to peers compiled by C1 alone ({@code -XX:TieredStopAtLevel=1}): their run is
   * start-up, TLS handshakes and little else, and C2's compiling costs more than it saves (8 lab hosts, 1 KiB: 0.77
   * CPU-seconds a peer instead of 0.95, 6.2-6.5 s instead of 7.0). C1 lacks the AES, GHASH and SHA intrinsics, so
   * larger content is faster with C2 (64 MiB: 32 s instead of 24).
   */
  static final long C1_ONLY_BYTES = 1 << 20;

  private PeerProgram() {}

  /**
   * The command that runs the peer in {@code jar} with {@code java} on a host (as root with {@code sudo}; with
   * {@code --check} for a dry run) for content of {@code bytes}, its stderr joined to its stdout.
   *
   * <p>Start-up is mostly class loading, so the peer runs from a class-data archive (AppCDS) of the jar made on the
   * host's own java, beside the jar. The first run without one has the JVM write it at exit to a temporary name; it is
   * renamed into place only after the peer exited 0 and a JVM with {@code -Xshare:on} accepted it, since mapping a
   * truncated archive crashes the JVM. Runs as root through sudo use no archive: the login user could write one, and
   * root would load it.
   */
  static String command(String java, PeerJar jar, boolean sudo, boolean check, long bytes) {
    String run = Shell.quote(java) + " " + JAVA_FLAGS + (bytes <= C1_ONLY_BYTES ? " -XX:TieredStopAtLevel=1" : "");
    String tail = " -jar " + Shell.quote(jar.path()) + (check ? " " + PeerMain.CHECK : "") + " 2>&1";
    if (sudo) return "exec sudo -n -- " + run + tail;
    if (check || jar.archive() == null) return "exec " + run + tail;
    String archive = Shell.quote(jar.archive());
    if (jar.archiveReady()) return "exec " + run + " -XX:SharedArchiveFile=" + archive + tail;
    String script = "umask 077; t=" + archive + ".$$.tmp; " + run + " -XX:ArchiveClassesAtExit=\"$t\"" + tail
        + "; s=$?; if [ $s = 0 ] && nice " + run + " -XX:SharedArchiveFile=\"$t\" -Xshare:on -cp "
        + Shell.quote(jar.path()) + " -version >/dev/null 2>&1; then mv -f \"$t\" " + archive + "; fi"
        + "; rm -f \"$t\"; exit $s";
    return "exec sh -c " + Shell.quote(script);
  }

  static byte[] load() throws IOException {
    try (InputStream in = PeerProgram.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IOException("this build of herd has no peer program (" + RESOURCE + "); build it with ./mvnw package");
      return in.readAllBytes();
    }
  }
}
