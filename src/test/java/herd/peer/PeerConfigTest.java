package herd.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.bencode.BencodeException;
import herd.metainfo.FileMode;
import herd.metainfo.Layout;
import herd.swarm.RunCredentials;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PeerConfigTest {
  @Test
  void roundTripsThroughOneLine() {
    RunCredentials tls = new RunCredentials("CERT".getBytes(StandardCharsets.US_ASCII), "KEY".getBytes(StandardCharsets.US_ASCII));
    PeerConfig c = new PeerConfig(new byte[] {0, 1, (byte) 0xff}, "http://[fe80::1%25eth0]:7000/announce?token=ab",
        "/srv/a b\u00e9", 0755, new byte[] {7}, new byte[] {9, 9}, tls, "/root/.cache/herd/verified", true,
        "127.0.0.1:40123", new Layout(List.of(0750), List.of(new Layout.Dir(List.of("d"), 0700)), 0755), true, 10L << 20, 1_700_000_000_123L, "deploy:www-data");
    String line = c.encodeLine();
    assertFalse(line.contains("\n"));
    PeerConfig back = PeerConfig.decodeLine(line);
    assertArrayEquals(c.info(), back.info());
    assertEquals(c.trackerUrl(), back.trackerUrl());
    assertEquals(c.dest(), back.dest());
    assertEquals(0755, back.mode());
    assertArrayEquals(c.secret(), back.secret());
    assertArrayEquals(c.contentDigest(), back.contentDigest());
    assertArrayEquals(tls.certificateDer(), back.tls().certificateDer());
    assertArrayEquals(tls.privateKeyDer(), back.tls().privateKeyDer());
    assertEquals("/root/.cache/herd/verified", back.verifiedDir());
    assertTrue(back.fullCheck());
    assertEquals("127.0.0.1:40123", back.seeder());
    assertEquals(c.layout(), back.layout());
    assertTrue(back.force());
    assertEquals(10L << 20, back.rateLimit());
    assertEquals(1_700_000_000_123L, back.mtime());
    assertEquals("deploy:www-data", back.owner());
    PeerConfig bare = PeerConfig.decodeLine(new PeerConfig(new byte[0], "u", "/d", 0, null, null, null, null, false, null, null, false, 0, -1, null).encodeLine());
    assertNull(bare.secret());
    assertNull(bare.layout());
    assertEquals(-1, bare.mtime());
    assertNull(bare.owner());
    assertFalse(bare.force());
    assertNull(bare.tls());
    assertNull(bare.verifiedDir());
    assertFalse(bare.fullCheck());
    assertNull(bare.seeder());
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
