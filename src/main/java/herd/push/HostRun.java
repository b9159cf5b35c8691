package herd.push;

import herd.events.PushEvent;
import herd.hosts.HostSpec;
import herd.peer.PeerConfig;
import herd.peer.Report;
import herd.remote.JavaVersions;
import herd.remote.PeerJar;
import herd.remote.RemoteException;
import herd.remote.RemoteProcess;
import herd.remote.RemoteHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's part of a push, on one of the push's {@code parallel} threads: connect, check Java, make sure the peer
 * program is there, start it, and follow its reports until it placed the file. Then the peer goes on serving without
 * this connection, under its tracker's lease ({@link herd.peer.Announcer}), and the thread moves on to another host.
 * A host that announces through a forward on this connection (behind a bastion), and a peer run by sudo, keep the
 * connection until the run ends, without a thread. Retries a retryable failure up to {@code retries} times.
 *
 * <p>With {@link PushRequest#sudo()} the peer runs as {@code exec sudo -n -- JAVA ... -jar JAR}: sudo passes its
 * stdin to the peer, so closing the channel (or losing the connection) stops the peer as it does without sudo. The
 * jar stays in the login user's cache and root runs it; that user can already run anything as root. The peer's
 * memory of verified files is then {@code <cache>/verified-root}, created by root with mode 0700, apart from the
 * login user's own {@code <cache>/verified}: root reads no entry the login user's own runs wrote, and a later run
 * without sudo does not meet a root-owned directory it cannot write. (The login user owns the cache directory and
 * so could swap either; that gains nothing over running anything as root, which sudo already lets them do.)
 */
final class HostRun implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(HostRun.class);
  private static final int TAIL_LINES = 5;
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  private final HostSpec host;
  private final Push run;
  private final AtomicReference<HostOutcome> outcome = new AtomicReference<>();
  private volatile RemoteHost session;
  /** Whether the session stays open after this host is done, until {@link #abort}. */
  private volatile boolean held;
  private int attempts;

  HostRun(HostSpec host, Push run) {
    this.host = host;
    this.run = run;
  }

  /** The outcome, or null while the host is still under way. */
  HostOutcome outcome() {
    return outcome.get();
  }

  @Override
  public void run() {
    for (int attempt = 0; attempt <= run.request().retries(); attempt++) {
      attempts = attempt + 1;
      try {
        attempt();
        return;
      } catch (RemoteException e) {
        boolean retrying = e.retryable() && attempt < run.request().retries() && outcome.get() == null;
        if (!retrying) {
          fail(e.kind().word(), e.getMessage());
          return;
        }
        run.emit(new PushEvent.HostFailed(host, e.kind().word(), e.getMessage(), true));
      } catch (InterruptedException e) {
        fail(PushEvent.HostFailed.INTERRUPTED, "interrupted");
        return;
      } finally {
        if (!held) closeSession();
      }
    }
  }

  /** Ends this host with a failure of {@code kind} unless it already ended, and drops its connection. */
  void abort(String kind, String reason) {
    fail(kind, reason);
    closeSession();
  }

  private void attempt() throws RemoteException, InterruptedException {
    session = run.connector().connect(host, attempts);
    if (outcome.get() != null) return; // aborted while connecting
    run.emit(new PushEvent.HostConnected(host, session.user(), attempts));
    PeerJar jar = session.ensureJar(run.peerJar(), run.request().remotePath());
    run.awaitServing();
    boolean sudo = run.request().sudo();
    boolean dryRun = run.request().dryRun();
    String verifiedDir = jar.dir() + (sudo ? "/verified-root" : "/verified");
    PeerConfig config = dryRun ? run.checkConfig(verifiedDir) : peerConfig(session, verifiedDir);
    RemoteProcess peer = session.start(PeerProgram.command(session.javaPath(), jar, sudo, dryRun, run.bytes()));
    if (!dryRun) run.emit(new PushEvent.PeerStarted(host, jar.uploaded()));
    boolean placed = false;
    try {
      OutputStream stdin = peer.stdin();
      try {
        stdin.write((config.encodeLine() + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
      } catch (IOException e) {
        // It may have exited already (sudo refused, say): its output, read below, says why.
        log.debug("{}: sending the peer its configuration: {}", host, e.toString());
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(peer.stdout(), StandardCharsets.UTF_8));
      Deque<String> tail = new ArrayDeque<>();
      String line;
      long present = 0;
      boolean firstPiece = false;
      RemoteException oldJava = null;
      while ((line = lines.readLine()) != null) {
        int space = line.indexOf(' ');
        String kind = space < 0 ? line : line.substring(0, space);
        String value = space < 0 ? "" : line.substring(space + 1);
        if (kind.equals(Report.PRESENT)) {
          present = Long.parseLong(value);
        } else if (kind.equals(Report.PROGRESS)) {
          long fetched = Long.parseLong(value) - present;
          if (fetched > 0 && !firstPiece) {
            firstPiece = true;
            run.emit(new PushEvent.FirstPiece(host));
          }
          run.emit(new PushEvent.HostProgress(host, fetched, present));
        } else if (kind.equals(Report.DONE)) {
          if (!finish(new HostOutcome(host, true, value, null, attempts))) return;
          run.emit(new PushEvent.HostDone(host, value));
          // Kept until the run ends (abort closes it): the connection of a host that announces through its forward,
          // and that of a peer run by sudo, which hangs up on the peer when the session ends (use_pty, Debian's
          // default).
          held = session.tunneled() || sudo;
          placed = true;
          return;
        } else if (kind.equals(Report.CHECKED)) {
          Report.Check c = Report.Check.decode(value);
          run.emit(new PushEvent.HostChecked(host, session.javaPath(), c.java(), c.user(), c.target(), c.free(),
              c.needed(), c.writable(), c.present(), c.problem()));
          if (c.problem() != null) {
            fail(RemoteException.Kind.COMMAND_FAILED.word(), c.problem());
          } else if (finish(new HostOutcome(host, true, c.target(), null, attempts))) {
            run.emit(new PushEvent.HostDone(host, c.target()));
          }
          return;
        } else if (kind.equals(Report.FAIL)) {
          throw new RemoteException(RemoteException.Kind.COMMAND_FAILED, value);
        } else {
          // Java 8 follows its refusal with a stack trace longer than the tail
          if (oldJava == null) oldJava = JavaVersions.tooOld(session.javaPath(), line);
          log.debug("{}: {}", host, line);
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) tail.removeFirst();
        }
      }
      if (outcome.get() == null) {
        peer.waitFor(EXIT_WAIT);
        Integer status = peer.exitStatus();
        if (oldJava != null) throw oldJava;
        if (sudo && tail.stream().anyMatch(HostRun::sudoWantsPassword)) {
          throw new RemoteException(RemoteException.Kind.AUTH_FAILED, "sudo needs a password for " + session.user()
              + ": allow NOPASSWD for " + session.javaPath() + ", or log in as root");
        }
        throw new RemoteException(RemoteException.Kind.DISCONNECTED, "peer program exited"
            + (status == null ? "" : " with status " + status) + (tail.isEmpty() ? "" : ": " + String.join(" | ", tail)));
      }
      peer.waitFor(EXIT_WAIT);
    } catch (IOException | IllegalArgumentException e) {
      if (outcome.get() == null) throw new RemoteException(RemoteException.Kind.DISCONNECTED, "lost the peer program: " + e.getMessage());
    } finally {
      // A peer that placed the file serves on, and closing its channel would wait for it to exit (sshd answers a
      // channel's close once its command ends): the channel ends with the session.
      if (!placed) peer.close();
    }
  }

  /**
   * What this host's peer is told. A host reached through a bastion may not reach this machine at all, so it
   * announces and fetches from the seeder through reverse forwards on its SSH connection, and names its own address
   * to the tracker; the other hosts reach it there directly.
   */
  private PeerConfig peerConfig(RemoteHost session, String verifiedDir) throws RemoteException {
    if (!session.tunneled()) return run.peerConfig(session.localAddress(), verifiedDir);
    Endpoints.Here here = run.forwardTargets();
    InetSocketAddress tracker = session.forwardHere(here.tracker());
    InetSocketAddress seeder = session.forwardHere(here.seeder());
    return run.forwardedPeerConfig(tracker, seeder, session.ownAddress(), verifiedDir);
  }

  /** Whether {@code line} is {@code sudo -n} refusing to run without a password (sudo's own, English, words). */
  private static boolean sudoWantsPassword(String line) {
    return line.startsWith("sudo: ") && line.contains("password");
  }

  private void fail(String kind, String reason) {
    if (finish(new HostOutcome(host, false, reason, kind, Math.max(1, attempts)))) {
      run.emit(new PushEvent.HostFailed(host, kind, reason, false));
    }
  }

  private boolean finish(HostOutcome o) {
    if (!outcome.compareAndSet(null, o)) return false;
    run.finished().countDown();
    return true;
  }

  private void closeSession() {
    RemoteHost s = session;
    if (s != null) s.close();
  }
}
