package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The built executable knows its version and the commit it was built from. */
class VersionIT {
  @Test
  void versionNamesTheReleaseAndTheCommit() throws Exception {
    Path herd = Path.of(System.getProperty("herd.executable", "target/herd"));
    Process p = new ProcessBuilder(herd.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.matches("herd \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(([0-9a-f]{12}|unknown commit)\\)"), out);

    // built in a git checkout (as CI does): the commit is the checkout's
    Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
    String commit = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, git.waitFor(), commit);
    assertTrue(out.endsWith(" (" + commit + ")"), "built from " + commit + ", but says: " + out);
  }
}
