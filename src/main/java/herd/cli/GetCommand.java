package herd.cli;

import herd.bencode.BencodeException;
import herd.metainfo.Layout;
import herd.metainfo.TorrentFile;
import herd.peer.PeerConfig;
import herd.peer.PeerRun;
import herd.peer.Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code herd get URL|TORRENT DEST}: the fleet side of {@code herd serve}, or of any tracker and seeder. */
@Command(
    name = "get",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Download the content of a torrent, from a URL (herd serve's /serve?PATH or /serve_last_updated) or a .torrent "
          + "file, swarming with every other host that gets it at the same time. Every piece is verified, the file is "
          + "written beside DEST and renamed into place, then seeded for --seed-time before herd exits.",
    })
final class GetCommand implements Callable<Integer> {
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL|TORRENT", description = "Where the .torrent is: an http(s) URL or a file.")
  String source;

  @Parameters(index = "1", paramLabel = "DEST",
      description = "Where the file goes; an existing directory, or a path ending in /, receives it under its own name.")
  String dest;

  @Option(names = "--seed-time", paramLabel = "SECONDS", description = "How long to keep seeding once the file is in place.")
  int seedTime = 30;

  @Option(names = "--mode", paramLabel = "OCTAL", description = "Permission bits of the placed file.")
  String mode = "644";

  @Option(names = "--force", description = "For a directory: replace a DEST that exists and is not empty.")
  boolean force;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time allowed for the download; 0 means no limit.")
  int timeout;

  @Mixin CommonOptions.RateLimit rateLimit;

  @Mixin CommonOptions.Verbose verbose;

  @Override
  public Integer call() throws BadInputException, IOException, InterruptedException {
    verbose.apply();
    if (seedTime < 0 || timeout < 0) throw new BadInputException("--seed-time and --timeout must not be negative");
    int bits;
    try {
      bits = Integer.parseInt(mode, 8);
    } catch (NumberFormatException e) {
      throw new BadInputException("--mode must be octal permission bits, like 644: " + mode);
    }
    if (bits < 0 || bits > 07777) throw new BadInputException("--mode must be octal permission bits, like 644: " + mode);
    TorrentFile torrent = torrent();
    PeerConfig config = new PeerConfig(torrent.metainfo().encodeInfo(), torrent.announce(),
        Path.of(dest).toAbsolutePath().toString() + (dest.endsWith("/") ? "/" : ""), bits, null, null, null, null, false, null,
        torrent.metainfo().multiFile() ? Layout.of(torrent.metainfo()) : null, force, rateLimit.bytesPerSecond, -1, null);
    PrintWriter err = spec.commandLine().getErr();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    if (timeout > 0) CompletableFuture.delayedExecutor(timeout, TimeUnit.SECONDS).execute(() -> stop.complete(null));
    long started = System.nanoTime();
    int status = new PeerRun(config, new Report() {
      @Override
      public void present(long bytes) {}

      @Override
      public void progress(long bytes) {}

      @Override
      public void done(Path target) {
        err.printf("herd: %s is in place (%s in %s); seeding for %d s%n", target, Units.bytes(torrent.metainfo().length()),
            Units.seconds(Duration.ofNanos(System.nanoTime() - started)), seedTime);
        err.flush();
        CompletableFuture.delayedExecutor(seedTime, TimeUnit.SECONDS).execute(() -> stop.complete(null));
      }

      @Override
      public void fail(String reason) {
        err.printf("herd: %s%n", reason);
        err.flush();
      }
    }).run(stop, false);
    return status == 0 ? ExitStatus.OK.code : ExitStatus.HOSTS_FAILED.code;
  }

  private TorrentFile torrent() throws BadInputException, IOException, InterruptedException {
    if (!source.startsWith("http://") && !source.startsWith("https://")) return SeedCommand.read(Path.of(source));
    HttpClient http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<byte[]> res;
    try {
      res = http.send(HttpRequest.newBuilder(URI.create(source)).timeout(FETCH_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IllegalArgumentException e) {
      throw new BadInputException("bad URL " + source + ": " + e.getMessage());
    }
    if (res.statusCode() != 200) {
      throw new IOException(source + ": HTTP " + res.statusCode() + " " + new String(res.body(), StandardCharsets.UTF_8).strip());
    }
    try {
      return TorrentFile.decode(res.body());
    } catch (BencodeException e) {
      throw new IOException(source + " did not send a torrent: " + e.getMessage());
    }
  }
}
