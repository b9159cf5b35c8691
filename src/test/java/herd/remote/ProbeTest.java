package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

final class ProbeTest {
  @Test
  void readsTaggedLinesIgnoringProfileNoise() {
    String output = "Welcome to the box!\nherd-java=/usr/bin/java\nherd-version=openjdk version \"21\" 2023-09-19\n"
        + "herd-version=OpenJDK Runtime Environment\nherd-dir=/home/u/.cache/herd\nherd-jar=ok\n";
    assertEquals(
        new Probe("/home/u/.cache/herd", "/usr/bin/java",
            "openjdk version \"21\" 2023-09-19\nOpenJDK Runtime Environment\n", null, true),
        Probe.parse(output));
  }

  @Test
  void absentJavaAndJarAndAnUnsafeDirectory() {
    assertEquals(new Probe("/x", null, "", "/x is writable by others (mode 777)", false),
        Probe.parse("herd-dir=/x\nherd-unsafe=/x is writable by others (mode 777)\n"));
  }
}
