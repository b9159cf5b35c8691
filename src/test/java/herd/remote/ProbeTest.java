package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

final class ProbeTest {
  @Test
  void readsTaggedLinesIgnoringProfileNoise() {
    String output = "Welcome to the box!\nherd-java=/usr/bin/java\nherd-java-key=0123456789ab\nherd-dir=/home/u/.cache/herd\nherd-jar=ok\n"
        + "herd-cds=ok\n";
    assertEquals(
        new Probe("/home/u/.cache/herd", "/usr/bin/java", "0123456789ab", null, true, true),
        Probe.parse(output));
  }

  @Test
  void absentJavaAndJarAndAnUnsafeDirectory() {
    assertEquals(new Probe("/x", null, null, "/x is writable by others (mode 777)", false, false),
        Probe.parse("herd-dir=/x\nherd-unsafe=/x is writable by others (mode 777)\nherd-java-key=\nherd-cds=ok\n"));
  }
}
