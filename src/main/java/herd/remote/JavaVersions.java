package herd.remote;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a java too old for the peer program by how it refuses the peer's classes: herd starts the peer without asking
 * the version first (one JVM per host, not two), and a JVM older than 17 fails to load class files of version 61 with
 * an {@code UnsupportedClassVersionError} naming the newest version it knows (52 for Java 8, 55 for 11).
 */
public final class JavaVersions {
  private static final int MIN_JAVA = 17;
  private static final Pattern REFUSAL = Pattern.compile("only recognizes class file versions up to (\\d{2,3})\\.0");

  private JavaVersions() {}

  /** The major version of the java whose refusal {@code line} is, if it is one. */
  static OptionalInt refusing(String line) {
    Matcher m = REFUSAL.matcher(line);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1)) - 44) : OptionalInt.empty();
  }

  /** OLD_JAVA if {@code line}, printed by {@code javaPath} running the peer, is such a refusal; else null. */
  public static RemoteException tooOld(String javaPath, String line) {
    OptionalInt major = refusing(line);
    return major.isEmpty() ? null : new RemoteException(RemoteException.Kind.OLD_JAVA,
        "java " + major.getAsInt() + " found (" + javaPath + "), " + MIN_JAVA + " or newer needed");
  }
}
