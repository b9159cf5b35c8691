package herd.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The peer program's entry point, started by herd over SSH. Reads its {@link PeerConfig} as the first line of
 * stdin; the end of stdin (herd ended the run, or the SSH session is gone) stops it until it has placed the file;
 * after that it serves under its tracker's lease ({@link Announcer}), which ends with the run. Exits 0 once the file
 * is placed and the run has ended, non-zero otherwise. With {@link #CHECK}, it only reports what a push would meet
 * ({@link PeerRun#check}) and exits.
 */
public final class PeerMain {
  /** The argument for a dry run: {@link PeerRun#check}. */
  public static final String CHECK = "--check";

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
    PeerRun run = new PeerRun(config, Report.lines(System.out));
    if (args.length == 1 && args[0].equals(CHECK)) {
      Report.Check check = run.check();
      if (check != null) System.out.println(Report.CHECKED + " " + check.encode());
      System.out.flush();
      System.exit(check != null ? 0 : 1);
    }
    CompletableFuture<Void> stop = stopAtEndOf(stdin);
    int status = run.run(stop, true);
    System.out.flush();
    System.exit(status);
  }

  /** Completes at the end of {@code stdin}, which a daemon thread reads to the end from now on. */
  public static CompletableFuture<Void> stopAtEndOf(BufferedReader stdin) {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Thread watcher = new Thread(() -> {
      try {
        while (stdin.read() >= 0) {
          // herd sends nothing more; only the end of the stream matters
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
