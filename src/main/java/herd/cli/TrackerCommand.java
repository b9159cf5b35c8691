package herd.cli;

import herd.swarm.SwarmOptions;
import herd.tracker.Pages;
import herd.tracker.Tracker;
import herd.tracker.TrackerOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code herd tracker}: a standalone HTTP tracker for any torrent, as Murder's tracker role. */
@Command(
    name = "tracker",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Run an HTTP BitTorrent tracker (/announce) for any torrent until SIGINT or SIGTERM: for torrents written by "
          + "herd torrent, or by any other tool. It answers anyone; run it where only your hosts reach it.",
    })
final class TrackerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on.")
  int port = 6969;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on.")
  String bind = "0.0.0.0";

  @Option(names = "--interval", paramLabel = "SECONDS",
      description = "How often clients announce; a client silent for three intervals is dropped.")
  int interval = 30;

  @Mixin CommonOptions.Verbose verbose;

  @Override
  public Integer call() throws IOException, BadInputException, InterruptedException {
    verbose.apply();
    if (interval < 1) throw new BadInputException("--interval must be at least 1 second");
    if (port < 0 || port > 65535) throw new BadInputException("--port must be 0 to 65535");
    InetAddress address = CommonOptions.address("--bind", bind);
    EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("herd-tracker", true));
    try (Tracker tracker = Tracker.start(group, new InetSocketAddress(address, port),
        new TrackerOptions(null, 0, Duration.ofSeconds(interval), true, SwarmOptions.CONNECTIONS, SwarmOptions.SEEDER_TERM), Pages.NONE)) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf("herd: tracker listening on %s port %d: announce to http://HOST:%d/announce%n",
          address.getHostAddress(), tracker.port(), tracker.port());
      err.flush();
      return CommonOptions.untilSignal();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
