package herd.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.remote.PeerJar;
import herd.remote.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command that starts the peer, run by a real sh. A stand-in {@code java} plays the JVM's part: it writes the
 * archive it is asked to ({@code -XX:ArchiveClassesAtExit}), with the content and exit status given, and accepts an
 * archive under {@code -Xshare:on} only if it reads "good", as a JVM refuses a truncated one.
 */
class PeerProgramTest {
  @TempDir Path dir;

  private Path java(String archiveContent, int status) throws Exception {
    Path java = dir.resolve("java");
    Files.writeString(java, "#!/bin/sh\n"
        + "for a in \"$@\"; do case $a in\n"
        + "  -XX:ArchiveClassesAtExit=*) printf '" + archiveContent + "' > \"${a#*=}\";;\n"
        + "  -XX:SharedArchiveFile=*) shared=${a#*=};;\n"
        + "  -Xshare:on) [ \"$(cat \"$shared\")\" = good ]; exit $?;;\n"
        + "esac; done\n"
        + "echo \"peer ran with $*\"; exit " + status + "\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    return java;
  }

  private PeerJar jar(boolean ready) {
    return new PeerJar(dir.resolve("herd-peer-0123.jar").toString(), false, dir.resolve("herd-peer-0123-abc.jsa").toString(), ready);
  }

  private record Ran(int status, String out) {}

  private static Ran sh(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Ran(p.waitFor(), out);
  }

  /** Content large enough for C2. */
  private static final long LARGE = PeerProgram.C1_ONLY_BYTES + 1;

  private List<String> files() throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFirstRunLeavesTheArchiveOnlyIfThePeerExitedWellAndAJvmAcceptsIt() throws Exception {
    Path java = java("good", 0);
    Ran ran = sh(PeerProgram.command(java.toString(), jar(false), false, false, LARGE));
    assertEquals(0, ran.status(), ran.out());
    assertTrue(ran.out().contains("-XX:ArchiveClassesAtExit=" + dir + "/herd-peer-0123-abc.jsa."), ran.out());
    assertEquals(List.of("herd-peer-0123-abc.jsa", "java"), files());
    assertEquals("good", Files.readString(dir.resolve("herd-peer-0123-abc.jsa")));

    Ran next = sh(PeerProgram.command(java.toString(), jar(true), false, false, LARGE));
    assertTrue(next.out().contains("-XX:SharedArchiveFile=" + dir + "/herd-peer-0123-abc.jsa "), next.out());
    assertFalse(next.out().contains("ArchiveClassesAtExit"), next.out());
  }

  @Test
  void aTruncatedArchiveOrAFailedPeerLeavesNoArchiveAndTheStatusStands() throws Exception {
    assertEquals(0, sh(PeerProgram.command(java("trunc", 0).toString(), jar(false), false, false, LARGE)).status());
    assertEquals(List.of("java"), files());
    assertEquals(3, sh(PeerProgram.command(java("good", 3).toString(), jar(false), false, false, LARGE)).status());
    assertEquals(List.of("java"), files());
  }

  @Test
  void sudoAndDryRunsUseNoArchive() throws Exception {
    for (String command : List.of(PeerProgram.command("/usr/bin/java", jar(true), true, false, LARGE),
        PeerProgram.command("/usr/bin/java", jar(false), false, true, LARGE))) {
      assertFalse(command.contains("Archive"), command);
      assertTrue(command.startsWith("exec "), command);
    }
    assertTrue(PeerProgram.command("/usr/bin/java", jar(true), true, false, LARGE).startsWith("exec sudo -n -- " + Shell.quote("/usr/bin/java") + " "));
  }

  @Test
  void smallContentIsLeftToC1Alone() {
    String c1 = "-XX:TieredStopAtLevel=1";
    assertTrue(PeerProgram.command("/usr/bin/java", jar(true), false, false, PeerProgram.C1_ONLY_BYTES).contains(c1));
    assertTrue(PeerProgram.command("/usr/bin/java", jar(false), false, false, 0).contains(c1));
    assertFalse(PeerProgram.command("/usr/bin/java", jar(true), false, false, LARGE).contains(c1));
  }

  @Test
  void theLauncherUsesThePeersJitFlags() throws Exception {
    String stub = Files.readString(Path.of("src/main/sh/stub.sh")).replace("\\\n", " ").replaceAll("\\s+", " ");
    assertTrue(stub.contains(" " + PeerProgram.JIT_FLAGS + " $HERD_JAVA_OPTS -jar "), stub);
  }
}
