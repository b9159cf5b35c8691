package herd.cli;

import herd.bencode.BencodeException;
import herd.metainfo.TorrentFile;
import herd.peer.Announcer;
import herd.swarm.Admission;
import herd.swarm.PieceStore;
import herd.swarm.Swarm;
import herd.swarm.SwarmOptions;
import herd.swarm.Torrent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code herd seed TORRENT PATH}: seeds content to anyone the torrent's tracker sends, as Murder's seed role. */
@Command(
    name = "seed",
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Seed PATH, the content of TORRENT (a file, or the directory of a multi-file torrent), to any BitTorrent "
          + "client, announcing to the torrent's tracker, until SIGINT or SIGTERM. Every piece is checked first.",
    })
final class SeedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TORRENT", description = "The .torrent file.")
  Path torrentFile;

  @Parameters(index = "1", paramLabel = "PATH", description = "The content: the file, or the directory holding the torrent's files.")
  Path path;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to accept peers on; 0 for any free port.")
  int port = 6881;

  @Mixin CommonOptions.RateLimit rateLimit;

  @Mixin CommonOptions.Verbose verbose;

  @Override
  public Integer call() throws IOException, BadInputException, InterruptedException {
    verbose.apply();
    TorrentFile torrent = read(torrentFile);
    PrintWriter err = spec.commandLine().getErr();
    EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("herd-seed", true));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("herd-announce", true));
    try (PieceStore store = open(torrent); Swarm swarm = Swarm.start(group, Admission.open(), new InetSocketAddress(port), rateLimit.bytesPerSecond)) {
      int pieces = torrent.metainfo().pieceCount();
      long bad = IntStream.range(0, pieces).parallel().filter(i -> store.verify(i) == null).count();
      if (bad > 0) throw new BadInputException(path + " does not match the torrent: " + bad + " of " + pieces + " pieces differ");
      BitSet all = new BitSet();
      all.set(0, pieces);
      Torrent shared = swarm.add(store, all, SwarmOptions.defaults());
      new Announcer(torrent.announce(), null, shared, swarm.port()).loop(timer, "started");
      err.printf("herd: seeding %s on port %d, announcing to %s%n", torrent.metainfo().name(), swarm.port(), torrent.announce());
      err.flush();
      return CommonOptions.untilSignal();
    } finally {
      timer.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private PieceStore open(TorrentFile torrent) throws BadInputException {
    try {
      return PieceStore.openForReading(path, torrent.metainfo());
    } catch (NoSuchFileException e) {
      throw new BadInputException("no such file: " + e.getFile());
    } catch (IOException e) {
      throw new BadInputException("cannot seed " + path + ": " + e.getMessage());
    }
  }

  /** Reads and decodes a .torrent file; anything wrong with it is bad input. */
  static TorrentFile read(Path file) throws BadInputException {
    try {
      return TorrentFile.decode(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new BadInputException("no such file: " + file);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + e.getMessage());
    } catch (BencodeException e) {
      throw new BadInputException(file + " is not a torrent: " + e.getMessage());
    }
  }
}
