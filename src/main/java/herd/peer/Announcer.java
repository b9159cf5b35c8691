package herd.peer;

import herd.bencode.Bencode;
import herd.swarm.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Announces this peer to the tracker over HTTP (BEP 3, compact replies per BEP 23 and BEP 7) and dials every
 * peer the tracker hands out, and {@code seeder} if not null.
 *
 * <p>Its answers are a lease: a push's peer serves for as long as the run's tracker answers. The lease ends when
 * the tracker's port refuses the connection (the run is over, or herd was killed: nothing listens there any more)
 * or when no announce got an answer for {@link #LEASE}.
 */
public final class Announcer {
  private static final System.Logger LOG = System.getLogger(Announcer.class.getName());
  private static final int TIMEOUT_MILLIS = 10_000;
  /** How long a peer serves without an answer from its tracker. */
  static final Duration LEASE = Duration.ofSeconds(30);

  private final String trackerUrl;
  private final InetSocketAddress seeder;
  private final Torrent torrent;
  private final int port;
  private final CompletableFuture<String> leaseEnded = new CompletableFuture<>();
  /** When an announce was last answered ({@link System#nanoTime()}), or this announcer made. */
  private volatile long answered = System.nanoTime();

  /** Announces {@code torrent}, which this process shares on {@code port}. */
  public Announcer(String trackerUrl, InetSocketAddress seeder, Torrent torrent, int port) {
    this.trackerUrl = trackerUrl;
    this.seeder = seeder;
    this.torrent = torrent;
    this.port = port;
  }

  /**
   * Announces once and dials the peers in the reply. Returns the interval, in seconds, the tracker asks for.
   *
   * @param event {@code started}, {@code completed}, {@code stopped} or null
   */
  int announce(String event) throws IOException {
    if (seeder != null) torrent.connect(seeder);
    long left = torrent.metainfo().length() - torrent.verifiedBytes();
    String url = trackerUrl + (trackerUrl.contains("?") ? "&" : "?")
        + "info_hash=" + percentEncode(torrent.metainfo().infoHash())
        + "&peer_id=" + percentEncode(torrent.peerId())
        + "&port=" + port
        + "&uploaded=" + torrent.uploadedBytes()
        + "&downloaded=" + torrent.verifiedBytes()
        + "&left=" + left
        + "&compact=1"
        + (event == null ? "" : "&event=" + event);
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(TIMEOUT_MILLIS);
    c.setReadTimeout(TIMEOUT_MILLIS);
    byte[] body;
    try (InputStream in = c.getInputStream()) {
      body = in.readNBytes(1 << 20);
    } finally {
      c.disconnect();
    }
    answered = System.nanoTime();
    Map<String, Object> reply = Bencode.decodeDict(body);
    if (reply.get("failure reason") instanceof byte[] reason) {
      throw new IOException("tracker refused: " + new String(reason, StandardCharsets.UTF_8));
    }
    for (InetSocketAddress peer : peers(reply)) torrent.connect(peer);
    return reply.get("interval") instanceof Long interval ? (int) Math.max(1, Math.min(interval, 300)) : 30;
  }

  /**
   * Announces now with {@code event}, then again at the intervals the tracker asks for, on {@code timer}, until it
   * shuts down. A failed announce is retried a second later, with the same event.
   */
  public void loop(ScheduledExecutorService timer, String event) {
    timer.execute(() -> {
      int next;
      String following = event;
      try {
        next = announce(event);
        following = null;
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "announce failed: " + e.getMessage());
        if (e instanceof ConnectException) {
          leaseEnded.complete("the tracker is gone (" + e.getMessage() + ")");
        } else if (System.nanoTime() - answered > LEASE.toNanos()) {
          leaseEnded.complete("no answer from the tracker for " + LEASE.toSeconds() + " s");
        }
        next = 1;
      }
      String then = following;
      timer.schedule(() -> loop(timer, then), next, TimeUnit.SECONDS);
    });
  }

  /**
   * Completes, with why, when the lease ends. Announcing goes on: a peer that serves under the lease stops, others
   * (such as {@code herd get}'s, whose tracker may come back) need not.
   */
  public CompletableFuture<String> leaseEnded() {
    return leaseEnded;
  }

  static List<InetSocketAddress> peers(Map<String, Object> reply) throws IOException {
    List<InetSocketAddress> out = new ArrayList<>();
    if (reply.get("peers") instanceof byte[] compact) compact(compact, 4, out);
    if (reply.get("peers6") instanceof byte[] compact) compact(compact, 16, out);
    if (reply.get("peers") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("ip") instanceof byte[] ip && m.get("port") instanceof Long port) {
          out.add(new InetSocketAddress(new String(ip, StandardCharsets.UTF_8), port.intValue()));
        }
      }
    }
    return out;
  }

  private static void compact(byte[] data, int addressLength, List<InetSocketAddress> out) throws IOException {
    int entry = addressLength + 2;
    for (int i = 0; i + entry <= data.length; i += entry) {
      byte[] addr = Arrays.copyOfRange(data, i, i + addressLength);
      int port = ((data[i + addressLength] & 0xff) << 8) | (data[i + addressLength + 1] & 0xff);
      out.add(new InetSocketAddress(InetAddress.getByAddress(addr), port));
    }
  }

  static String percentEncode(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }
}
