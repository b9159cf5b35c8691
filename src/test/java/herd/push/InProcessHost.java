package herd.push;

import herd.peer.PeerConfig;
import herd.peer.PeerMain;
import herd.peer.PeerRun;
import herd.peer.Report;
import herd.remote.PeerJar;
import herd.remote.RemoteProcess;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A host within this process: its "peer program" is a {@link PeerRun} on threads of its own, talking to herd over
 * pipes as the real one talks over its SSH channel, and writing below {@code root} (its own filesystem, as it were).
 * A stuck host's peer never reports anything and ends only when its stdin does.
 */
final class InProcessHost extends LoopbackHost {
  /** Told when a host's peer placed the content. */
  interface DoneListener {
    void done(InProcessHost host);
  }

  private final Path root;
  private final boolean stuck;
  private final DoneListener onDone;
  /** Completes with the peer's exit status. */
  final CompletableFuture<Integer> exit = new CompletableFuture<>();
  /** The started peer's stdin: losing the host's connection ends it, unless it placed the file. */
  private volatile OutputStream peerStdin;
  /** Whether herd closed this host's connection, and whether its peer was still running then. */
  volatile boolean closed;
  volatile boolean servingWhenClosed;

  InProcessHost(Path root, boolean stuck, DoneListener onDone) {
    this.root = root;
    this.stuck = stuck;
    this.onDone = onDone;
  }

  @Override
  public PeerJar ensureJar(byte[] jar, String remoteDir) {
    return new PeerJar(root.resolve("cache/herd-peer.jar").toString(), false, null, false);
  }

  @Override
  public RemoteProcess start(String command) {
    try {
      Pipe toPeer = Pipe.open();
      Pipe fromPeer = Pipe.open();
      OutputStream stdin = new BufferedOutputStream(Channels.newOutputStream(toPeer.sink()));
      peerStdin = stdin;
      InputStream stdout = Channels.newInputStream(fromPeer.source());
      Thread peer = new Thread(() -> exit.complete(peer(Channels.newInputStream(toPeer.source()),
          new PrintStream(Channels.newOutputStream(fromPeer.sink()), true, StandardCharsets.UTF_8))), "in-process-peer");
      peer.setDaemon(true);
      peer.start();
      return new RemoteProcess() {
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
          return exit.getNow(null);
        }

        @Override
        public boolean waitFor(Duration timeout) {
          try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
          } catch (Exception e) {
            return exit.isDone();
          }
        }

        @Override
        public void close() {
          try {
            stdin.close();
          } catch (IOException ignored) {
            // already closed
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The peer program, as {@link PeerMain} runs it: its configuration on stdin's first line, then its stop. */
  private int peer(InputStream in, PrintStream out) {
    try (out) {
      BufferedReader stdin = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      PeerConfig c = PeerConfig.decodeLine(stdin.readLine());
      CompletableFuture<Void> stop = PeerMain.stopAtEndOf(stdin);
      if (stuck) {
        stop.join();
        return 1;
      }
      PeerConfig here = new PeerConfig(c.info(), c.trackerUrl(), root + c.dest(), c.mode(), c.contentDigest(), c.secret(),
          c.tls(), root + "/verified", c.fullCheck(), c.seeder(), c.layout(), c.force(), c.rateLimit(), -1, null);
      Report lines = Report.lines(out);
      return new PeerRun(here, new Report() {
        @Override
        public void present(long bytes) {
          lines.present(bytes);
        }

        @Override
        public void progress(long bytes) {
          lines.progress(bytes);
        }

        @Override
        public void done(Path target) {
          onDone.done(InProcessHost.this);
          lines.done(target);
        }

        @Override
        public void fail(String reason) {
          lines.fail(reason);
        }
      }).run(stop, true);
    } catch (IOException e) {
      return 2;
    }
  }

  @Override
  public void close() {
    if (!closed) servingWhenClosed = !exit.isDone();
    closed = true;
    OutputStream s = peerStdin;
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
