package herd.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** herd's exit statuses: the one place they are defined, shown in {@code --help} and the README. */
public enum ExitStatus {
  OK(0, "Done; for a push, every host has the file."),
  HOSTS_FAILED(1, "Some hosts of a push failed (each is listed with its reason; the others have the file), or a get did."),
  BAD_INPUT(2, "Bad input (options, paths, host list): nothing was sent or written."),
  ERROR(3, "herd itself failed before or during the run (e.g. no free port)."),
  INTERRUPTED(130, "Interrupted by SIGINT or SIGTERM; after a push, every host has the new file or its old one.");

  public final int code;
  private final String meaning;

  ExitStatus(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** For picocli's exit code list in the usage help. */
  static Map<String, String> helpList() {
    Map<String, String> m = new LinkedHashMap<>();
    for (ExitStatus s : values()) m.put(String.format("%3d", s.code), s.meaning);
    return m;
  }
}
