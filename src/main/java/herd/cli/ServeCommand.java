package herd.cli;

import herd.metainfo.Hashing;
import herd.serve.ServeOptions;
import herd.serve.Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code herd serve DIR}: Distributor's daemon. */
@Command(
    name = "serve",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Serve every file below DIR as a torrent, until SIGINT or SIGTERM: the .torrent at http://HOST:PORT/serve?PATH, "
          + "the newest file's below a directory at /serve_last_updated?DIR (the whole tree's at /serve_last_updated), "
          + "a tracker at /announce, and a seeder any BitTorrent client fetches from (herd get, aria2c, transmission).",
      "",
      "New files are served once unmodified for --settle; hidden files (.name) and *.part, *.tmp never are. "
          + "Hashes are kept in --cache, so a restart hashes only what changed. Replace files by renaming a new one "
          + "over them, not by writing into them: a file changed while seeded is corrupt until the next scan.",
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The directory tree to serve.")
  Path dir;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port: /serve, /serve_last_updated and /announce.")
  int port = 8080;

  @Option(names = "--peer-port", paramLabel = "PORT", description = "Port peers fetch pieces from.")
  int peerPort = 6881;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on.")
  String bind = "0.0.0.0";

  @Option(names = "--cache", paramLabel = "DIR", showDefaultValue = Help.Visibility.NEVER,
      description = "Where hashes are kept across restarts (default: ~/.cache/herd/serve/ and a name derived from DIR).")
  Path cache;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Answer only requests carrying token=TOKEN (the served torrents' announce URLs carry it). The pieces "
          + "themselves go to any peer that knows a torrent, and unencrypted: keep serve on a network you trust.")
  String token;

  @Option(names = "--settle", paramLabel = "SECONDS", description = "How long a file must go unmodified before it is served.")
  int settle = 1;

  @Option(names = "--scan-interval", paramLabel = "SECONDS", description = "How often DIR is scanned for changes.")
  int scanInterval = 1;

  @Mixin CommonOptions.RateLimit rateLimit;

  @Mixin CommonOptions.Verbose verbose;

  @Override
  public Integer call() throws IOException, BadInputException, InterruptedException {
    verbose.apply();
    if (!Files.isDirectory(dir)) throw new BadInputException("not a directory: " + dir);
    if (settle < 0 || scanInterval < 1) throw new BadInputException("--settle must be 0 or more, --scan-interval 1 or more");
    if (token != null && !token.matches("[A-Za-z0-9._~-]+")) {
      throw new BadInputException("--token may hold only letters, digits and . _ ~ -");
    }
    InetAddress address = CommonOptions.address("--bind", bind);
    Path root = dir.toRealPath();
    long started = System.nanoTime();
    try (Server server = Server.start(new ServeOptions(root, cache != null ? cache : defaultCache(root),
        new InetSocketAddress(address, port), peerPort, token, Duration.ofSeconds(settle), Duration.ofSeconds(scanInterval),
        Duration.ofSeconds(30), rateLimit.bytesPerSecond))) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf("herd: serving %s: %s, ready in %s; http://HOST:%d/serve?PATH, peers on port %d%n", root,
          server.firstScan(), Units.seconds(Duration.ofNanos(System.nanoTime() - started)), server.httpPort(), server.peerPort());
      err.flush();
      return CommonOptions.untilSignal();
    }
  }

  /** ~/.cache/herd/serve/NAME-HASH: one cache per served directory, outside it. */
  private static Path defaultCache(Path root) {
    String base = System.getenv("XDG_CACHE_HOME");
    Path cacheHome = base != null && !base.isEmpty() ? Path.of(base) : Path.of(System.getProperty("user.home"), ".cache");
    String id = HexFormat.of().formatHex(Hashing.sha1().digest(root.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    return cacheHome.resolve("herd/serve").resolve(root.getFileName() + "-" + id);
  }
}
