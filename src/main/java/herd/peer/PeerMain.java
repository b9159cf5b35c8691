package herd.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The peer program's entry point, started by herd over SSH. Reads its {@link PeerConfig} as the first line of
 * stdin; the end of stdin (herd ended the run, or the SSH session is gone) stops it, unless herd sent
 * {@link Report#DETACH} first: herd closes the SSH session of a host whose peer placed the file, and the peer goes on
 * serving under its tracker's lease ({@link Announcer}), which ends with the run. Exits 0 once the file is placed and
 * the run has ended, non-zero otherwise.
 */
public final class PeerMain {
  private PeerMain() {}

  public static void main(String[] args) throws IOException {
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    String line = stdin.readLine();
    if (line == null) {
      System.err.println("herd-peer: no configuration on stdin");
      System.exit(2);
    }
    PeerConfig config;
    try {
      config = PeerConfig.decodeLine(line);
    } catch (RuntimeException e) {
      System.err.println("herd-peer: " + e.getMessage());
      System.exit(2);
      return;
    }
    CompletableFuture<Void> stop = stopAtEndOf(stdin);
    int status = new PeerRun(config, Report.lines(System.out)).run(stop, true);
    System.out.flush();
    System.exit(status);
  }

  /**
   * Completes at the end of {@code stdin}, which a daemon thread reads to the end from now on, unless a line
   * {@link Report#DETACH} comes first.
   */
  public static CompletableFuture<Void> stopAtEndOf(BufferedReader stdin) {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Thread watcher = new Thread(() -> {
      try {
        for (String more; (more = stdin.readLine()) != null; ) {
          if (more.equals(Report.DETACH)) return;
        }
      } catch (IOException ignored) {
        // a broken pipe means the same as the end of the stream
      }
      stop.complete(null);
    }, "herd-peer-stdin");
    watcher.setDaemon(true);
    watcher.start();
    return stop;
  }
}
