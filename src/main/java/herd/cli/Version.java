package herd.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** herd's version and the commit it was built from, as the build wrote them into {@code herd/version.properties}. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Properties build = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/herd/version.properties")) {
      if (in != null) build.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = build.getProperty("version", "");
    if (version.isEmpty() || version.contains("${")) return new String[] {"herd (development build)"};
    return new String[] {"herd " + version + " (" + build.getProperty("commit") + ")"};
  }
}
