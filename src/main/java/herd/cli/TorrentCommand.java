package herd.cli;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import herd.metainfo.Tree;
import herd.swarm.PieceStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code herd torrent PATH}: writes a .torrent for a file or a directory, as Murder's create_torrent does. */
@Command(
    name = "torrent",
    sortOptions = false,
    description = {
      "Write a .torrent for PATH, a file or a directory (a multi-file torrent; symbolic links kept as links, "
          + "executable bits as BEP 47 attributes), announcing to URL. Any BitTorrent client can fetch it.",
    })
final class TorrentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PATH", description = "The file or directory.")
  Path path;

  @Option(names = {"-a", "--announce"}, required = true, paramLabel = "URL",
      description = "The tracker's announce URL, e.g. http://tracker.example:6969/announce (see herd tracker).")
  String announce;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the torrent (default: PATH.torrent).")
  Path output;

  @Option(names = "--exclude", paramLabel = "PATTERN",
      description = "Leave out names or paths below PATH matching this glob; repeatable (default: .git).")
  List<String> excludes = new ArrayList<>(Tree.DEFAULT_EXCLUDES);

  @Override
  public Integer call() throws IOException, BadInputException {
    checkAnnounce();
    Path source = path.toAbsolutePath().normalize();
    if (Files.notExists(source, LinkOption.NOFOLLOW_LINKS)) throw new BadInputException("no such file or directory: " + path);
    Metainfo meta;
    try {
      meta = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)
          ? PieceStore.hash(source, source.getFileName().toString(), Tree.scan(source, excludes).files()).metainfo()
          : Hashing.hashFile(source).metainfo();
    } catch (IllegalArgumentException e) {
      throw new BadInputException(path + ": " + e.getMessage());
    }
    Path out = output != null ? output : Path.of(source + ".torrent");
    Path temp = Files.createTempFile(out.toAbsolutePath().getParent(), "." + out.getFileName(), ".part");
    try {
      Files.write(temp, meta.encodeTorrent(announce));
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    PrintWriter err = spec.commandLine().getErr();
    err.printf("herd: wrote %s: %s, %d files, %s in %d pieces, info-hash %s%n", out, meta.name(), meta.files().size(),
        Units.bytes(meta.length()), meta.pieceCount(), HexFormat.of().formatHex(meta.infoHash()));
    err.flush();
    return ExitStatus.OK.code;
  }

  private void checkAnnounce() throws BadInputException {
    try {
      URI uri = new URI(announce);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new BadInputException("--announce must be an http:// or https:// URL: " + announce);
      }
    } catch (URISyntaxException e) {
      throw new BadInputException("--announce: " + e.getMessage());
    }
  }
}
