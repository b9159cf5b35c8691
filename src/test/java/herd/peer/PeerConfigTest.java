package herd.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import herd.bencode.BencodeException;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PeerConfigTest {
  @Test
  void roundTripsThroughOneLine() {
    PeerConfig c = new PeerConfig(new byte[] {0, 1, (byte) 0xff}, "http://[fe80::1%25eth0]:7000/announce", "/srv/a b\u00e9", 0755);
    String line = c.encodeLine();
    assertFalse(line.contains("\n"));
    PeerConfig back = PeerConfig.decodeLine(line);
    assertArrayEquals(c.info(), back.info());
    assertEquals(c.trackerUrl(), back.trackerUrl());
    assertEquals(c.dest(), back.dest());
    assertEquals(0755, back.mode());
  }

  @Test
  void rejectsGarbage() {
    assertThrows(BencodeException.class, () -> PeerConfig.decodeLine("not base64 !"));
    assertThrows(BencodeException.class, () -> PeerConfig.decodeLine("ZGU="));
  }

  @Test
  void modeBitsMapToPermissionsAndBack() {
    assertEquals("rwxr-x---", PosixFilePermissions.toString(FileMode.toPermissions(0750)));
    assertEquals(0644, FileMode.toBits(PosixFilePermissions.fromString("rw-r--r--")));
  }
}
