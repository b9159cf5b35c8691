package herd.remote;

/**
 * What one round trip learns about a host: which java a login shell finds and what it says its version is, and
 * optionally the absolute cache directory and the size of a cached jar there ({@code -1} if absent). Lines are tagged,
 * so whatever a login profile prints is ignored.
 */
record Probe(String dir, String javaPath, String versionOutput, long jarSize) {
  private static final String JAVA =
      "if j=$(command -v java); then printf 'herd-java=%s\\n' \"$j\"; "
          + "\"$j\" -version 2>&1 | sed 's/^/herd-version=/'; fi";

  /** A POSIX sh script for the java check alone. */
  static String javaScript() {
    return JAVA;
  }

  /** A POSIX sh script for the java check plus the cached jar {@code jarName} in {@code remoteDir}. */
  static String jarScript(String remoteDir, String jarName) {
    return JAVA
        + "; dir=" + Shell.dirExpression(remoteDir)
        + "; case $dir in /*) ;; *) dir=\"$PWD/$dir\";; esac"
        + "; printf 'herd-dir=%s\\n' \"$dir\""
        + "; if [ -f \"$dir\"/" + Shell.quote(jarName) + " ]; then"
        + " printf 'herd-jar-size=%s\\n' \"$(wc -c < \"$dir\"/" + Shell.quote(jarName) + ")\"; fi";
  }

  static Probe parse(String output) {
    String dir = null;
    String javaPath = null;
    StringBuilder version = new StringBuilder();
    long jarSize = -1;
    for (String line : output.split("\n")) {
      if (line.startsWith("herd-dir=")) {
        dir = value(line);
      } else if (line.startsWith("herd-java=")) {
        javaPath = value(line);
      } else if (line.startsWith("herd-version=")) {
        version.append(value(line)).append('\n');
      } else if (line.startsWith("herd-jar-size=")) {
        jarSize = Long.parseLong(value(line).strip());
      }
    }
    return new Probe(dir, javaPath, version.toString(), jarSize);
  }

  private static String value(String line) {
    return line.substring(line.indexOf('=') + 1);
  }
}
