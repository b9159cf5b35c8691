package herd.remote;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real {@code ssh-agent} on a socket of its own, for tests; {@link #close()} stops it. */
final class TestAgent implements AutoCloseable {
  private final Path socket;
  private final Process process;

  private TestAgent(Path socket, Process process) {
    this.socket = socket;
    this.process = process;
  }

  /** Starts ssh-agent in the foreground on {@code dir}/agent.sock and waits until the socket is there. */
  static TestAgent start(Path dir) throws IOException, InterruptedException {
    Path socket = dir.resolve("agent.sock");
    Process process = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
        .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!Files.exists(socket)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("ssh-agent did not start on " + socket);
      }
      Thread.sleep(20);
    }
    return new TestAgent(socket, process);
  }

  Path socket() {
    return socket;
  }

  /** Adds the private key at {@code key} (unencrypted) with ssh-add. */
  void add(Path key) throws IOException, InterruptedException {
    ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true)
        .redirectInput(new File("/dev/null"));
    add.environment().put("SSH_AUTH_SOCK", socket.toString());
    Process process = add.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) throw new IOException("ssh-add " + key + " failed: " + output);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
