package herd.remote;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the major version out of {@code java -version} output: {@code 1.8.0_392} is 8, {@code 17.0.15} is 17. */
final class JavaVersions {
  private static final Pattern QUOTED = Pattern.compile("version \"([^\"]*)\"");
  private static final Pattern LEGACY = Pattern.compile("1\\.(\\d{1,4})(\\D.*)?");
  private static final Pattern MODERN = Pattern.compile("(\\d{1,4})(\\D.*)?");

  private JavaVersions() {}

  static OptionalInt major(String versionOutput) {
    Matcher quoted = QUOTED.matcher(versionOutput);
    if (!quoted.find()) {
      return OptionalInt.empty();
    }
    String version = quoted.group(1);
    Matcher legacy = LEGACY.matcher(version);
    if (legacy.matches()) {
      return OptionalInt.of(Integer.parseInt(legacy.group(1)));
    }
    Matcher modern = MODERN.matcher(version);
    return modern.matches() ? OptionalInt.of(Integer.parseInt(modern.group(1))) : OptionalInt.empty();
  }
}
