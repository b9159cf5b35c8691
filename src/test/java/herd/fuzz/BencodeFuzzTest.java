package herd.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import herd.bencode.Bencode;
import herd.bencode.BencodeException;

/**
 * {@link Bencode#decode} on untrusted bytes: a value or a {@link BencodeException}, nothing else. The decoder only
 * accepts canonical bencoding (sorted unique keys, no leading zeros, no {@code -0}, exact lengths), so whatever it
 * accepts must encode back to the very same bytes.
 */
class BencodeFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void decode(byte[] input) {
    Object value;
    try {
      value = Bencode.decode(input);
    } catch (BencodeException expected) {
      return;
    }
    assertArrayEquals(input, Bencode.encode(value), "decode then encode is not the identity");
  }
}
