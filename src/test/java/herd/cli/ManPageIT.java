package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The man pages the build wrote to {@code target/man}, read by a real {@code man} as a user would. */
class ManPageIT {
  private static final Path MAN = Path.of(System.getProperty("herd.executable", "target/herd")).resolveSibling("man");
  /** AsciiDoc that asciidoctor left as text: a *bold* or _italic_ marker, or an attribute list gone wrong. */
  private static final Pattern MARKUP = Pattern.compile("\\*-|-\\*|\\b_[A-Z]|[A-Z]_\\b|\\] \\]");

  private static String man(Path page) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("man", "-l", page.toString()).redirectErrorStream(true);
    pb.environment().put("MANWIDTH", "200");
    pb.environment().put("MANPAGER", "cat");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.replaceAll(".\b", ""); // no overstrike bold, should man still add it
  }

  @Test
  void everyCommandHasAPageThatNamesEachOfItsOptions() throws Exception {
    CommandLine herd = Main.commandLine(new ByteArrayInputStream(new byte[0]));
    String top = man(MAN.resolve("herd.1"));
    assertTrue(top.startsWith("HERD(1)"), top);
    assertTrue(top.contains("EXIT STATUS"), top);
    for (Map.Entry<String, CommandLine> sub : herd.getSubcommands().entrySet()) {
      String page = man(MAN.resolve("herd-" + sub.getKey() + ".1"));
      assertTrue(page.contains("herd-" + sub.getKey() + " - "), page);
      assertTrue(top.contains(sub.getKey()), "herd(1) lists " + sub.getKey());
      for (OptionSpec option : sub.getValue().getCommandSpec().options()) {
        assertTrue(page.contains(option.longestName()), "herd-" + sub.getKey() + "(1) names " + option.longestName());
      }
      for (String line : page.lines().toList()) {
        assertFalse(MARKUP.matcher(line.replace("HOSTS_FILE", "")).find(), "AsciiDoc left in herd-" + sub.getKey() + "(1): " + line);
      }
    }
    assertTrue(Files.readString(MAN.resolve("herd-push.1")).contains(".TH \"HERD\\-PUSH\" \"1\""),
        "a roff page, section 1");
  }
}
