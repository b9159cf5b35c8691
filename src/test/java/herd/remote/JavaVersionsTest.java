package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

final class JavaVersionsTest {
  @Test
  void readsMajorVersion() {
    assertEquals(OptionalInt.of(8), JavaVersions.major("java version \"1.8.0_392\"\nJava(TM) SE Runtime Environment"));
    assertEquals(OptionalInt.of(17), JavaVersions.major("openjdk version \"17.0.15\" 2025-04-15"));
    assertEquals(OptionalInt.of(21), JavaVersions.major("openjdk version \"21\" 2023-09-19"));
    assertEquals(OptionalInt.of(25), JavaVersions.major("openjdk version \"25-ea\" 2025-09-16"));
    assertEquals(
        OptionalInt.of(11),
        JavaVersions.major("Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version \"11.0.2\" 2019-01-15"));
  }

  @Test
  void noVersionInGarbage() {
    assertEquals(OptionalInt.empty(), JavaVersions.major("sh: 1: java: not found"));
    assertEquals(OptionalInt.empty(), JavaVersions.major("openjdk version \"x\""));
    assertEquals(OptionalInt.empty(), JavaVersions.major("openjdk version \"99999999999\""));
  }
}
