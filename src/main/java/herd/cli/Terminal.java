package herd.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream is a terminal, which Java 17 can only tell for stdin and stdout together, and how wide
 * the terminal is.
 */
final class Terminal {
  /** When the width cannot be told: the width of most terminals. */
  static final int DEFAULT_COLUMNS = 80;

  private Terminal() {}

  /** The controlling terminal's width in columns, as {@code stty size} tells it. */
  static int columns() {
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
      int columns = stty.waitFor() == 0 && size.length == 2 ? Integer.parseInt(size[1]) : 0;
      return columns > 0 ? columns : DEFAULT_COLUMNS;
    } catch (IOException | NumberFormatException e) {
      return DEFAULT_COLUMNS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_COLUMNS;
    }
  }

  static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }
}
