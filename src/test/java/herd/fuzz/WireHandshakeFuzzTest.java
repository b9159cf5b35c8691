package herd.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import herd.swarm.WireDecoder;

/**
 * {@link WireDecoder} on a connection's first bytes, handshake included, all fuzzed, in chunks whose size the
 * first byte picks. See {@link Wire#check} for what is asserted.
 */
class WireHandshakeFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void handshake(byte[] input) {
    if (input.length == 0) return;
    Wire.check(java.util.Arrays.copyOfRange(input, 1, input.length), 1 + (input[0] & 0xff));
  }
}
