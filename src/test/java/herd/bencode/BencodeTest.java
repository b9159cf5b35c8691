package herd.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BencodeTest {
  @Test
  void encodesDictionariesWithSortedKeys() {
    byte[] out = Bencode.encode(Map.of("zeta", 1, "alpha", "x", "mid", List.of(-3L, "ab")));
    assertEquals("d5:alpha1:x3:midli-3e2:abe4:zetai1ee", new String(out, StandardCharsets.US_ASCII));
  }

  @Test
  void decodesWhatItEncodes() {
    byte[] original = "d4:infod6:lengthi123e4:name3:abce5:peersl2:xyi0eee".getBytes(StandardCharsets.US_ASCII);
    Map<String, Object> d = Bencode.decodeDict(original);
    assertEquals(123L, ((Map<?, ?>) d.get("info")).get("length"));
    assertArrayEquals(original, Bencode.encode(d));
  }

  @Test
  void keepsBinaryStringsAndKeysLossless() {
    byte[] binary = {0, (byte) 0xff, (byte) 0x80, 10};
    byte[] out = Bencode.encode(Map.of("\u00ff\u0001", binary));
    Map<String, Object> d = Bencode.decodeDict(out);
    assertArrayEquals(binary, (byte[]) d.get("\u00ff\u0001"));
    assertArrayEquals(out, Bencode.encode(d));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "i", "ie", "i-0e", "i03e", "i12", "i1xe", "5:abc", "-1:a", "l", "li1e", "d", "d1:ai1e",
    "di1ei2ee", "d1:bi1e1:ai2ee", "d1:ai1e1:ai2ee", "i1ei2e", "x", "i99999999999999999999e", "3:abcd"
  })
  void rejectsMalformedInput(String input) {
    assertThrows(BencodeException.class, () -> Bencode.decode(input.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void rejectsDeepNestingWithoutStackOverflow() {
    String deep = "l".repeat(10_000) + "e".repeat(10_000);
    assertThrows(BencodeException.class, () -> Bencode.decode(deep.getBytes(StandardCharsets.US_ASCII)));
  }
}
