package herd.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** A file of random bytes to push, and the SHA-256 every host's copy must have. */
record Payload(Path path, String sha256) {
  static Payload random(Path dir, String name, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return new Payload(Files.write(dir.resolve(name), data), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
  }
}
