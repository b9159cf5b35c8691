package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

final class JavaVersionsTest {
  /** What Java 8 and Java 11 print running a jar built for 17 (their own words). */
  static final String JAVA_8 = "Exception in thread \"main\" java.lang.UnsupportedClassVersionError: herd/peer/PeerMain has been"
      + " compiled by a more recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime"
      + " only recognizes class file versions up to 52.0";
  static final String JAVA_11 = "\tjava.lang.UnsupportedClassVersionError: herd/peer/PeerMain has been compiled by a more"
      + " recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime only recognizes"
      + " class file versions up to 55.0";

  @Test
  void readsTheVersionOutOfTheRefusal() {
    assertEquals(OptionalInt.of(8), JavaVersions.refusing(JAVA_8));
    assertEquals(OptionalInt.of(11), JavaVersions.refusing(JAVA_11));
    assertEquals(OptionalInt.empty(), JavaVersions.refusing("Error: Unable to access jarfile /x.jar"));
  }

  @Test
  void anOldJavaFailsItsHostAsOldJava() {
    RemoteException e = JavaVersions.tooOld("/opt/jdk11/bin/java", JAVA_11);
    assertEquals(RemoteException.Kind.OLD_JAVA, e.kind());
    assertEquals("java 11 found (/opt/jdk11/bin/java), 17 or newer needed", e.getMessage());
    assertNull(JavaVersions.tooOld("/usr/bin/java", "Error: LinkageError occurred while loading main class herd.peer.PeerMain"));
  }
}
