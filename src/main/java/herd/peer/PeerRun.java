package herd.peer;

import herd.metainfo.Hashing;
import herd.metainfo.Layout;
import herd.metainfo.Metainfo;
import herd.swarm.PieceStore;
import herd.swarm.Swarm;
import herd.swarm.SwarmOptions;
import herd.swarm.Torrent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * One peer's part in a push: fetch the content into a temporary file next to the destination, verify every
 * piece, sync it and rename it into place, then keep serving until told to stop, telling its {@link Report} how it
 * goes.
 */
public final class PeerRun {
  private static final System.Logger LOG = System.getLogger(PeerRun.class.getName());
  private static final long PROGRESS_MILLIS = 250;

  private final PeerConfig config;
  private final Report report;
  /** This host's memory of verified files, if herd gave one and there is a content digest to remember; else null. */
  private final VerifiedFiles verified;

  public PeerRun(PeerConfig config, Report report) {
    this.config = config;
    this.report = report;
    this.verified = config.verifiedDir() == null || config.contentDigest() == null
        ? null : new VerifiedFiles(Path.of(config.verifiedDir()));
  }

  /**
   * Runs until {@code stop} completes (herd ended the run, or the SSH channel closed). If {@code leased}, the
   * tracker's lease ({@link Announcer}) ends it too, and once the file is placed only the lease does: herd closes
   * the SSH session of a host that is done, and its peer serves on until the run is over. Returns the exit status:
   * 0 if the file was placed.
   */
  public int run(CompletableFuture<Void> stop, boolean leased) {
    Metainfo meta;
    Landing landing;
    try {
      meta = config.metainfo();
    } catch (RuntimeException e) {
      report.fail("cannot read the run's metainfo: " + e.getMessage());
      return 1;
    }
    try {
      Layout layout = config.layout() != null ? config.layout() : Layout.of(meta);
      landing = meta.multiFile()
          ? TreePlacement.prepare(config.dest(), config.force(), meta, layout)
          : Placement.prepare(config.dest(), meta, config.mode(), config.mtime(), config.owner());
    } catch (IOException | RuntimeException e) {
      report.fail(IoFailures.describe("cannot prepare " + config.dest(), Path.of(config.dest()), e));
      return 1;
    }
    EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("herd-peer-io", true));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("herd-peer-timer", true));
    boolean placed = false;
    PieceStore existing = landing instanceof Placement ? alreadyInPlace(meta, landing.target()) : null;
    BitSet have = new BitSet();
    // what was being done to which file, for a failure's message
    String doing = "cannot create the temporary file";
    Path file = landing.writing();
    try (PieceStore store = existing != null ? existing : landing.create()) {
      doing = "cannot write the temporary file";
      if (existing != null) {
        // done before serving: a rerun's hosts report at once, without waiting for TLS and the swarm to start
        doing = "cannot set the owner, permission bits or time";
        file = landing.target();
        ((Placement) landing).keep();
        doing = "cannot serve the file";
        placed = true;
        report.present(meta.length());
        placed(landing, meta.length());
        have.set(0, meta.pieceCount());
      } else if (landing instanceof Placement && Files.isRegularFile(landing.target(), LinkOption.NOFOLLOW_LINKS)) {
        have.or(unchangedPieces(store, landing.target()));
        report.present(have.stream().mapToLong(meta::pieceLength).sum());
      }
      Swarm swarm = Swarm.start(group, config.admission(), new InetSocketAddress(0), config.rateLimit());
      try {
        Torrent torrent = swarm.add(store, have, SwarmOptions.defaults());
        Announcer announcer = new Announcer(config.trackerUrl(), config.seederAddress(), torrent, swarm.port());
        announcer.loop(timer, "started");
        CompletableFuture<?> end = leased ? CompletableFuture.anyOf(stop, announcer.leaseEnded()) : stop;
        if (existing == null) {
          AtomicLong reported = new AtomicLong(-1);
          timer.scheduleWithFixedDelay(() -> {
            long v = torrent.verifiedBytes();
            if (reported.getAndSet(v) != v) report.progress(v);
          }, 0, PROGRESS_MILLIS, TimeUnit.MILLISECONDS);
          CompletableFuture.anyOf(torrent.completion(), end).get();
          if (!torrent.completion().isDone()) {
            String why = leased ? announcer.leaseEnded().getNow(null) : null;
            report.fail("stopped before the transfer completed" + (why == null ? "" : ": " + why));
            return 1;
          }
          torrent.completion().get();
          if (!digestMatches(torrent)) {
            report.fail("every piece verified, yet the file's SHA-256 content digest differs from the source's");
            return 1;
          }
          store.sync();
          doing = "cannot move the file into place";
          landing.commit();
          placed = true;
          placed(landing, meta.length());
        }
        (leased ? announcer.leaseEnded() : stop).get();
        return 0;
      } finally {
        swarm.close();
      }
    } catch (ExecutionException e) {
      report.fail(IoFailures.describe(doing, file, e.getCause()));
      return 1;
    } catch (IOException e) {
      report.fail(IoFailures.describe(doing, file, e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      if (!placed) landing.abandon();
      timer.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * The destination as a store to serve from, if it already holds exactly this content: the same length, every
   * piece matching, and the content digest too; or, unless a full check was asked for, remembered as holding it and
   * unchanged since. Then nothing is fetched or rewritten. Null otherwise.
   */
  private PieceStore alreadyInPlace(Metainfo meta, Path target) {
    // a symbolic link is replaced, not followed, whatever it points to
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) return null;
    try {
      PieceStore store = PieceStore.openForReading(target, meta);
      if (verified != null && !config.fullCheck() && verified.vouchFor(target, config.contentDigest())) return store;
      // stops soon after a piece that differs: a changed file is read again, piece by piece, by PieceStore.adopt
      byte[][] digests = new byte[meta.pieceCount()][];
      boolean same = IntStream.range(0, meta.pieceCount()).parallel().allMatch(i -> (digests[i] = store.verify(i)) != null)
          && (config.contentDigest() == null || MessageDigest.isEqual(config.contentDigest(), Hashing.contentDigest(digests)));
      if (same) return store;
      store.close();
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot reuse " + target + ": " + e);
    }
    return null;
  }

  /**
   * The pieces of an older version of the file at {@code target} that are unchanged, copied into {@code store}: a
   * delta push fetches only the others. None if the older file cannot be read.
   */
  private static BitSet unchangedPieces(PieceStore store, Path target) {
    try {
      return store.adopt(target);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot reuse pieces of " + target + ": " + e);
      return new BitSet();
    }
  }

  /**
   * For {@code herd push --dry-run}: what a push would meet on this host, as this user, writing nothing. Returns
   * null once it reported why a push could not even start here (a DEST that cannot be, a tree's DEST in the way).
   */
  public Report.Check check() {
    Path dest = Path.of(config.dest());
    try {
      Metainfo meta = config.metainfo();
      Path target = meta.multiFile() ? TreePlacement.target(config.dest(), config.force()) : Placement.target(config.dest(), meta);
      Placement.Owner.lookUp(config.owner(), target); // a user or group unknown here fails the check as the push
      // the directory the temporary file or tree would be written in, or its nearest ancestor that exists
      Path dir = target.getParent();
      while (!Files.exists(dir)) dir = dir.getParent();
      if (!Files.isDirectory(dir)) throw new FileSystemException(dir.toString(), null, "Not a directory");
      boolean present = false;
      if (!meta.multiFile()) {
        try (PieceStore store = alreadyInPlace(meta, target)) {
          present = store != null;
        }
      }
      return new Report.Check(Runtime.version().toString(), System.getProperty("user.name"),
          Files.getFileStore(dir).getUsableSpace(), meta.length(),
          Files.isWritable(dir) && Files.isExecutable(dir), present, target.toString());
    } catch (IOException | RuntimeException e) {
      report.fail(IoFailures.describe("cannot place " + config.dest(), dest, e));
      return null;
    }
  }

  /** The content is in place: remember a file as verified and say so. */
  private void placed(Landing landing, long length) {
    if (verified != null && landing instanceof Placement) verified.remember(landing.target(), config.contentDigest());
    report.progress(length);
    report.done(landing.target());
  }

  private boolean digestMatches(Torrent torrent) {
    return config.contentDigest() == null || MessageDigest.isEqual(config.contentDigest(), torrent.contentDigest());
  }
}
