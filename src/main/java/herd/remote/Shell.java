package herd.remote;

/** Quoting for POSIX {@code sh} command lines. */
public final class Shell {
  private Shell() {}

  /** {@code text} as one single-quoted shell word, safe whatever it contains. */
  public static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /**
   * A shell expression for a directory: {@code ~} and a leading {@code ~/} expand through {@code $HOME} on the host,
   * anything else is taken literally.
   */
  static String dirExpression(String dir) {
    if (dir.equals("~")) {
      return "\"$HOME\"";
    }
    if (dir.startsWith("~/")) {
      return "\"$HOME\"/" + quote(dir.substring(2));
    }
    return quote(dir);
  }
}
