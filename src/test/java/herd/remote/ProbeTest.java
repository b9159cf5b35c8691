package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

final class ProbeTest {
  @Test
  void readsTaggedLinesIgnoringProfileNoise() {
    String output = "Welcome to the box!\nherd-java=/usr/bin/java\nherd-version=openjdk version \"21\" 2023-09-19\n"
        + "herd-version=OpenJDK Runtime Environment\nherd-dir=/home/u/.cache/herd\nherd-jar-size=   1234\n";
    assertEquals(
        new Probe("/home/u/.cache/herd", "/usr/bin/java",
            "openjdk version \"21\" 2023-09-19\nOpenJDK Runtime Environment\n", 1234),
        Probe.parse(output));
  }

  @Test
  void absentJavaAndJar() {
    assertEquals(new Probe("/x", null, "", -1), Probe.parse("herd-dir=/x\n"));
  }
}
