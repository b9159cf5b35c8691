package herd.push;

import herd.hosts.HostSpec;
import herd.peer.PeerConfig;
import herd.peer.Report;
import herd.remote.PeerJar;
import herd.remote.RemoteHost;
import herd.remote.RemoteProcess;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of hosts multiplexed within this process, for measuring what a push costs the controller: each host's
 * "peer program" speaks the real peer's protocol (its configuration line, progress and done reports, the end of stdin
 * before it is done) and announces to the run's tracker every 2 s over HTTP until the tracker's port refuses, as the
 * real peer's lease does; but it transfers nothing, so that a thousand of them fit on two cores. All of it runs on
 * threads named {@code fleet-*}, to tell them from the controller's.
 */
final class Fleet implements Connector {
  private static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(2);

  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(4, new DefaultThreadFactory("fleet-peers", true));
  private final AtomicInteger port = new AtomicInteger(20_000);
  /** Counts down as each started peer stops: at the end of its stdin, or when its lease ends. */
  private final CountDownLatch stopped;
  final AtomicInteger announces = new AtomicInteger();

  Fleet(int hosts) {
    this.stopped = new CountDownLatch(hosts);
  }

  /** Waits for every host's peer to stop. */
  boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public RemoteHost connect(HostSpec host, int attempt) {
    return new Host();
  }

  /** The controller is done with the fleet; the hosts, and their peers, live on. */
  @Override
  public void close() {}

  private final class Host extends LoopbackHost {
    @Override
    public PeerJar ensureJar(byte[] jar, String remoteDir) {
      return new PeerJar("/fleet/herd-peer.jar", false, null, false);
    }

    @Override
    public RemoteProcess start(String command) {
      return new Peer();
    }

    @Override
    public void close() {}
  }

  /** One host's peer program. */
  private final class Peer implements RemoteProcess {
    private final PipedInputStream stdout = new PipedInputStream(1024);
    private final PipedOutputStream reports;
    private final int listenPort = port.getAndIncrement();
    private final byte[] peerId = new byte[20];
    private PeerConfig config;
    private volatile boolean placed;
    private volatile boolean stopping;
    private boolean stopCounted;

    Peer() {
      ThreadLocalRandom.current().nextBytes(peerId);
      try {
        reports = new PipedOutputStream(stdout);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private final OutputStream stdin = new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) {
        if (b != '\n') {
          line.write(b);
          return;
        }
        String text = line.toString(StandardCharsets.US_ASCII);
        line.reset();
        if (config == null) {
          config = PeerConfig.decodeLine(text);
          // "transfers" for a while, then places the file and serves on
          timer.schedule(Peer.this::place, ThreadLocalRandom.current().nextInt(200, 1000), TimeUnit.MILLISECONDS);
        }
      }

      @Override
      public void close() {
        Peer.this.close();
      }
    };

    private void place() {
      placed = true;
      long length = config.metainfo().length();
      report(Report.PROGRESS + " 0\n" + Report.PROGRESS + " " + length + "\n" + Report.DONE + " /srv/app.bin\n");
      announce();
    }

    private void report(String lines) {
      try {
        reports.write(lines.getBytes(StandardCharsets.UTF_8));
        reports.flush();
      } catch (IOException e) {
        stop(); // herd hung up
      }
    }

    /** Announces as the real peer does: a connection per announce, closed after it. */
    private void announce() {
      if (stopping) return;
      String url = config.trackerUrl() + "&info_hash=" + escape(config.metainfo().infoHash()) + "&peer_id="
          + escape(peerId) + "&port=" + listenPort + "&uploaded=0&downloaded=0&left=0&compact=1";
      announces.incrementAndGet();
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        try (InputStream in = c.getInputStream()) {
          in.readAllBytes();
        } finally {
          c.disconnect();
        }
      } catch (ConnectException e) {
        stop(); // the lease ended: the tracker is gone
        return;
      } catch (IOException e) {
        // tried again at the next interval
      }
      timer.schedule(this::announce, ANNOUNCE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void stop() {
      stopping = true;
      if (stopCounted) return;
      stopCounted = true;
      stopped.countDown();
      try {
        reports.close();
      } catch (IOException ignored) {
        // nobody reads any more
      }
    }

    @Override
    public OutputStream stdin() {
      return stdin;
    }

    @Override
    public InputStream stdout() {
      return stdout;
    }

    @Override
    public Integer exitStatus() {
      return stopping ? 0 : null;
    }

    @Override
    public boolean waitFor(Duration timeout) {
      return stopping;
    }

    /** The end of stdin: stops the peer unless it placed the file. */
    @Override
    public void close() {
      if (!placed) stop();
    }
  }

  private static String escape(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) sb.append(String.format("%%%02X", b & 0xff));
    return sb.toString();
  }
}
