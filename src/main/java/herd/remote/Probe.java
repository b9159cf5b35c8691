package herd.remote;

/**
 * What one round trip learns about a host: which java a login shell finds (its version is not asked: see {@link
 * JavaVersions}), and a key naming that java (12 hex digits of SHA-256 of its physical path and of the size and time
 * of it and of its JDK's {@code lib/modules}, so an update makes a new key; null without sha256sum); and optionally the
 * peer program's cache: its absolute physical directory, why that directory is unsafe (null if it is safe or does not
 * exist yet), whether the jar cached there is the one herd would upload, and whether a class-data archive of the jar
 * for this java is there ({@link PeerJar#archive()}). Lines are tagged, so whatever a login profile prints is ignored.
 */
record Probe(String dir, String javaPath, String javaKey, String unsafe, boolean jarVerified, boolean archiveReady) {
  private static final String JAVA =
      "if j=$(command -v java); then printf 'herd-java=%s\\n' \"$j\"; r=$(readlink -f \"$j\")"
          + "; k=$({ printf '%s\\n' \"$r\"; stat -L -c '%s %Y' \"$r\" \"${r%/bin/*}/lib/modules\"; } 2>/dev/null"
          + " | sha256sum 2>/dev/null | cut -c1-12); printf 'herd-java-key=%s\\n' \"$k\"; fi";

  /**
   * POSIX sh functions that judge paths like OpenSSH's StrictModes. {@code herd_bad PATH [strict]} sets {@code
   * herd_why} to why PATH itself cannot be trusted: it must be owned by root or the login user and not writable by
   * group or others. A sticky directory such as {@code /tmp} is fine above the cache, since others cannot rename what
   * they do not own in it, but not as the cache itself ({@code strict}), where others could make the names herd's
   * files will take. {@code herd_unsafe PATH} prints why the directory PATH or any directory above it cannot be. Few
   * processes: the walk up is parameter expansion, and a file in a directory just judged whole is judged alone.
   */
  private static final String UNSAFE =
      "herd_me=$(id -u); herd_bad() { herd_why=; herd_s=$(stat -c '%u %a %f' \"$1\") || { herd_why=\"cannot stat $1\"; return 0; }"
          + "; set -- \"$1\" $herd_s \"${2:-}\""
          + "; if [ \"$2\" != 0 ] && [ \"$2\" != \"$herd_me\" ]; then herd_why=\"$1 is owned by uid $2, neither root nor $(id -un)\""
          + "; elif [ $((0x$4 & 022)) != 0 ] && { [ -n \"$5\" ] || [ $((0x$4 & 01000)) = 0 ] || [ $((0x$4 & 0170000)) != 16384 ]; }"
          + "; then herd_why=\"$1 is writable by others (mode $3)\"; fi; }"
          + "; herd_unsafe() { herd_p=$1; herd_strict=strict; while :; do herd_bad \"$herd_p\" $herd_strict; herd_strict="
          + "; if [ -n \"$herd_why\" ]; then echo \"$herd_why\"; return 0; fi"
          + "; [ \"$herd_p\" = / ] && return 0; herd_p=${herd_p%/*}; herd_p=${herd_p:-/}; done; }";

  /**
   * Prints {@code herd-jar=ok} when {@code $dir/NAME} is a regular file (not a link), owned by root or the login user,
   * not writable by others, and its SHA-256 is {@code sha256}; {@code $dir} is judged already.
   */
  private static String jarCheck(String name, String sha256) {
    String jar = "\"$dir\"/" + Shell.quote(name);
    return "if [ -f " + jar + " ] && [ ! -L " + jar + " ] && herd_bad " + jar + " && [ -z \"$herd_why\" ]"
        + " && [ \"$(sha256sum < " + jar + " 2>/dev/null | cut -c1-64)\" = " + sha256 + " ]; then echo herd-jar=ok; fi";
  }

  /** A POSIX sh script for the java check alone. */
  static String javaScript() {
    return JAVA;
  }

  /**
   * A POSIX sh script for the java check plus the cached jar {@code jarName} of digest {@code sha256} in {@code
   * remoteDir}, and its class-data archive for this java ({@link #archiveName}). An existing directory is reported by
   * its physical path, with no symbolic links, and checked; the archive counts only if it is a regular file that no
   * other user may write.
   */
  static String jarScript(String remoteDir, String jarName, String sha256) {
    String archive = "\"$dir\"/" + Shell.quote(stem(jarName)) + "-\"$k\".jsa";
    return JAVA + "; " + UNSAFE
        + "; dir=" + Shell.dirExpression(remoteDir)
        + "; case $dir in /*) ;; *) dir=\"$PWD/$dir\";; esac"
        + "; if [ -d \"$dir\" ]; then dir=$(cd \"$dir\" && pwd -P) || exit 1"
        + "; why=$(herd_unsafe \"$dir\"); if [ -n \"$why\" ]; then printf 'herd-unsafe=%s\\n' \"$why\"; fi"
        + "; " + jarCheck(jarName, sha256)
        + "; if [ -n \"$k\" ] && [ -f " + archive + " ] && [ ! -L " + archive + " ] && herd_bad " + archive
        + " && [ -z \"$herd_why\" ]; then echo herd-cds=ok; fi; fi"
        + "; printf 'herd-dir=%s\\n' \"$dir\"";
  }

  /** The class-data archive of jar {@code jarName} for the java of key {@code javaKey}, beside the jar. */
  static String archiveName(String jarName, String javaKey) {
    return stem(jarName) + "-" + javaKey + ".jsa";
  }

  private static String stem(String jarName) {
    return jarName.replaceFirst("\\.jar$", "");
  }

  /**
   * A POSIX sh script that stores its stdin as {@code jarName} in {@code dir}, created owner-only if missing, through a
   * temporary file renamed into place once its digest is {@code sha256}, so concurrent runs never see a partial jar.
   * The directory is checked after it is created and before anything is written; an unsafe one gets nothing and is
   * reported as by {@link #jarScript}.
   */
  static String uploadScript(String dir, String jarName, String sha256) {
    return UNSAFE + "; umask 077; dir=" + Shell.quote(dir)
        + "; mkdir -p \"$dir\" && dir=$(cd \"$dir\" && pwd -P) || exit 1"
        + "; printf 'herd-dir=%s\\n' \"$dir\""
        + "; why=$(herd_unsafe \"$dir\"); if [ -n \"$why\" ]; then printf 'herd-unsafe=%s\\n' \"$why\"; exit 0; fi"
        + "; target=\"$dir\"/" + Shell.quote(jarName) + "; tmp=\"$target.$$.tmp\"; trap 'rm -f \"$tmp\"' EXIT"
        + "; command -v sha256sum >/dev/null || { echo 'sha256sum not found: herd needs it to check its peer program' >&2;"
        + " exit 1; }; cat > \"$tmp\" || exit 1"
        + "; got=$(sha256sum < \"$tmp\" | cut -c1-64)"
        + "; if [ \"$got\" != " + sha256 + " ]; then echo \"received a jar of SHA-256 $got, not " + sha256 + "\" >&2;"
        + " exit 1; fi; mv -f \"$tmp\" \"$target\"";
  }

  static Probe parse(String output) {
    String dir = null;
    String javaPath = null;
    String javaKey = null;
    String unsafe = null;
    boolean jarVerified = false;
    boolean archiveReady = false;
    for (String line : output.split("\n")) {
      if (line.startsWith("herd-dir=")) {
        dir = value(line);
      } else if (line.startsWith("herd-java=")) {
        javaPath = value(line);
      } else if (line.startsWith("herd-unsafe=")) {
        unsafe = value(line);
      } else if (line.equals("herd-jar=ok")) {
        jarVerified = true;
      } else if (line.startsWith("herd-java-key=") && value(line).matches("[0-9a-f]{12}")) {
        javaKey = value(line);
      } else if (line.equals("herd-cds=ok")) {
        archiveReady = true;
      }
    }
    return new Probe(dir, javaPath, javaKey, unsafe, jarVerified, archiveReady && javaKey != null);
  }

  private static String value(String line) {
    return line.substring(line.indexOf('=') + 1);
  }
}
