package herd.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import herd.swarm.WireDecoder;
import java.io.ByteArrayOutputStream;

/**
 * {@link WireDecoder} after a valid handshake: fuzzed messages, either raw bytes or a sequence of messages with a
 * fuzzed id, payload and length prefix (right, a little off, or arbitrary), delivered in fuzzed chunk sizes. See
 * {@link Wire#check} for what is asserted.
 */
class WireDecoderFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void messages(FuzzedDataProvider data) {
    int chunk = data.consumeInt(1, 300);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(Wire.handshake());
    if (data.consumeBoolean()) {
      int count = data.consumeInt(0, 12);
      for (int i = 0; i < count; i++) {
        int id = data.consumeInt(0, 10);
        byte[] payload = data.consumeBytes(data.consumeInt(0, 40));
        long length = switch (data.consumeInt(0, 5)) {
          case 0 -> data.consumeInt();
          case 1 -> payload.length + data.consumeInt(-1, 2);
          default -> 1 + payload.length;
        };
        int n = (int) length;
        wire.write(n >>> 24);
        wire.write(n >>> 16);
        wire.write(n >>> 8);
        wire.write(n);
        if (n != 0 || data.consumeBoolean()) wire.write(id);
        wire.writeBytes(payload);
      }
    }
    wire.writeBytes(data.consumeRemainingAsBytes());
    Wire.check(wire.toByteArray(), chunk);
  }
}
