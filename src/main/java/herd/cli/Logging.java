package herd.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels from -v; the only code that knows the logging backend. Without -v, logback.xml lets only herd's own
 * warnings through: sshj logs what herd reports itself (a changed host key with its MD5 fingerprint, stack traces).
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    if (!verbose) return;
    ((Logger) LoggerFactory.getLogger("herd")).setLevel(Level.DEBUG);
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
    // Netty's info lines are about its own set-up, not about the hosts
    ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.WARN);
  }
}
