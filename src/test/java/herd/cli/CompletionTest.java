package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code herd generate-completion}'s script, loaded into a real bash and asked to complete, as a shell would. */
class CompletionTest {
  @TempDir Path dir;

  /** What bash offers for the last word of {@code line}, with the script loaded. */
  private String complete(String line) throws Exception {
    CommandLine cmd = Main.commandLine(new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    assertEquals(0, Main.execute(cmd, "generate-completion"));
    Path script = Files.writeString(dir.resolve("herd.bash"), out.toString());
    // compopt only works inside a completion bash itself started: here it has nothing to set
    String probe = "source " + script + "\ncompopt() { :; }\n"
        + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
        + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
        + "_complete_herd; printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '\n";
    Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
    String offered = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, bash.waitFor(), offered);
    return offered;
  }

  @Test
  void bashCompletesSubcommandsAndEachCommandsOptions() throws Exception {
    assertEquals("push", complete("herd pu"));
    assertEquals("--dry-run", complete("herd push --dry"));
    assertEquals("--chmod --chown", complete("herd push --ch"));
    assertEquals("--seed-time", complete("herd get --seed-t"));
  }
}
