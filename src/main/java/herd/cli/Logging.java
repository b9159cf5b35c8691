package herd.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels from -v; the only code that knows the logging backend. */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    if (!verbose) return;
    ((Logger) LoggerFactory.getLogger("herd")).setLevel(Level.DEBUG);
  }
}
