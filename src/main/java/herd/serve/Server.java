package herd.serve;

import herd.swarm.Admission;
import herd.swarm.PieceStore;
import herd.swarm.Swarm;
import herd.swarm.SwarmOptions;
import herd.swarm.Torrent;
import herd.tracker.Pages;
import herd.tracker.Tracker;
import herd.tracker.TrackerOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code herd serve}: Distributor's daemon. Serves every complete file below a directory as a torrent of its own:
 * the {@code .torrent} over HTTP ({@code /serve?PATH}, {@code /serve_last_updated?DIR}, {@code /serve_last_updated}),
 * a tracker ({@code /announce}) on the same port, and a seeder that any BitTorrent client can fetch from. Files are
 * found by scanning the tree every {@link ServeOptions#scanInterval}.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  private static final String TORRENT_TYPE = "application/x-bittorrent";

  private final ServeOptions options;
  private final EventLoopGroup group;
  private final ScheduledExecutorService scanner;
  private final Swarm swarm;
  private final Tracker tracker;
  private final Library library;
  /** What is seeded, by info-hash: files with the same name and content share one torrent. */
  private final Map<ByteBuffer, Shared> shared = new HashMap<>();
  private final Library.Scan first;

  private record Shared(Torrent torrent, PieceStore store, int files) {}

  private Server(ServeOptions options) throws IOException {
    this.options = options;
    this.group = new NioEventLoopGroup(2, new DefaultThreadFactory("herd-serve", true));
    this.scanner = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("herd-scan", true));
    try {
      this.swarm = Swarm.start(group, Admission.open(),
          new InetSocketAddress(options.http().getAddress(), options.peerPort()), options.rateLimit());
      byte[] token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
      this.tracker = Tracker.start(group, options.http(),
          new TrackerOptions(token, swarm.port(), options.announceInterval(), false,
              SwarmOptions.CONNECTIONS, SwarmOptions.SEEDER_TERM), this::page);
      this.library = new Library(options.root(), new MetaCache(options.cache()), options.settle(), new Library.Listener() {
        @Override
        public void added(Library.Served file, Path path) throws IOException {
          share(file, path);
        }

        @Override
        public void removed(Library.Served file) {
          unshare(file);
        }
      });
      this.first = library.scan(System.currentTimeMillis());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    long every = options.scanInterval().toMillis();
    scanner.scheduleWithFixedDelay(this::scan, every, every, TimeUnit.MILLISECONDS);
  }

  /** Binds the ports and serves what the tree holds now, once it is scanned; rescans from then on. */
  public static Server start(ServeOptions options) throws IOException {
    return new Server(options);
  }

  /** What the first scan did: how many files were served at start, from the cache or hashed. */
  public String firstScan() {
    return first.served() + " files (" + first.fromCache() + " from the cache, " + first.hashed() + " hashed)";
  }

  public int httpPort() {
    return tracker.port();
  }

  public int peerPort() {
    return swarm.port();
  }

  private void scan() {
    try {
      Library.Scan s = library.scan(System.currentTimeMillis());
      if (s.hashed() + s.fromCache() + s.removed() > 0) {
        log.info("serving {} files: {} new, {} gone or changed", s.served(), s.hashed() + s.fromCache(), s.removed());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot scan {}: {}", options.root(), e.toString());
    }
  }

  private synchronized void share(Library.Served file, Path path) throws IOException {
    ByteBuffer key = ByteBuffer.wrap(file.meta().infoHash());
    Shared s = shared.get(key);
    if (s == null) {
      PieceStore store = PieceStore.openForReading(path, file.meta());
      BitSet all = new BitSet();
      all.set(0, file.meta().pieceCount());
      s = new Shared(swarm.add(store, all, SwarmOptions.seeder(SwarmOptions.Seeding.SPARING)), store, 0);
      tracker.add(file.meta().infoHash());
    }
    shared.put(key, new Shared(s.torrent(), s.store(), s.files() + 1));
  }

  private synchronized void unshare(Library.Served file) {
    ByteBuffer key = ByteBuffer.wrap(file.meta().infoHash());
    Shared s = shared.get(key);
    if (s == null) return;
    if (s.files() > 1) {
      shared.put(key, new Shared(s.torrent(), s.store(), s.files() - 1));
      return;
    }
    shared.remove(key);
    tracker.remove(file.meta().infoHash());
    swarm.remove(s.torrent());
    try {
      s.store().close();
    } catch (IOException e) {
      log.debug("closing {}: {}", file.relpath(), e.toString());
    }
  }

  /** {@code /serve} and {@code /serve_last_updated}, on the tracker's event loop. */
  private Pages.Page page(String path, String query, String host) {
    if (!path.equals("/serve") && !path.equals("/serve_last_updated")) return null;
    Map<String, String> q = parseQuery(query);
    if (options.token() != null && !MessageDigest.isEqual(options.token().getBytes(StandardCharsets.UTF_8),
        q.getOrDefault("token", "").getBytes(StandardCharsets.UTF_8))) {
      return text(403, "this server needs its token: add token=TOKEN to the query");
    }
    if (host == null) return text(400, "no Host header: it names the tracker in the torrent");
    String rel = q.getOrDefault("path", "");
    while (rel.startsWith("/")) rel = rel.substring(1);
    while (rel.endsWith("/")) rel = rel.substring(0, rel.length() - 1);
    Library.Served file = path.equals("/serve") ? library.find(rel) : library.newest(rel);
    if (file == null) return text(404, (path.equals("/serve") ? "not served: " : "nothing served in: ") + (rel.isEmpty() ? "/" : rel));
    String announce = "http://" + host + "/announce" + (options.token() == null ? "" : "?token=" + options.token());
    return new Pages.Page(200, TORRENT_TYPE, file.meta().encodeTorrent(announce));
  }

  /**
   * A query as {@code /serve} takes it: {@code PATH} alone, as Distributor's clients send it, or {@code path=PATH},
   * with {@code token=TOKEN} beside either. A {@code +} is a plus sign, not a space.
   */
  static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new HashMap<>();
    for (String part : query.split("&")) {
      if (part.isEmpty()) continue;
      int eq = part.indexOf('=');
      String key = eq < 0 ? "path" : decode(part.substring(0, eq));
      out.putIfAbsent(key, decode(eq < 0 ? part : part.substring(eq + 1)));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static Pages.Page text(int status, String message) {
    return new Pages.Page(status, "text/plain", (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    scanner.shutdownNow();
    try {
      scanner.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (tracker != null) tracker.close();
    if (swarm != null) swarm.close();
    synchronized (this) {
      for (Shared s : shared.values()) {
        try {
          s.store().close();
        } catch (IOException e) {
          log.debug("closing a served file: {}", e.toString());
        }
      }
      shared.clear();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
