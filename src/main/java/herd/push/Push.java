package herd.push;

import herd.events.PushEvent;
import herd.events.PushListener;
import herd.hosts.HostSpec;
import herd.metainfo.Hashing;
import herd.metainfo.FileEntry;
import herd.metainfo.Layout;
import herd.metainfo.Metainfo;
import herd.metainfo.Tree;
import herd.metainfo.FileMode;
import herd.peer.PeerConfig;
import herd.remote.RemoteException;
import herd.swarm.Admission;
import herd.swarm.PieceStore;
import herd.swarm.RunCredentials;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A push: run every host, on {@code parallel} threads (so at most that many connecting or transferring at once),
 * while the file is hashed and the tracker and the seeder start; wait until each host is done or failed, or the
 * run's time is up; then close everything. Peers that placed the file serve on without their SSH sessions until the
 * tracker closes: then they stop (see {@link herd.peer.Announcer}). Never exits the JVM.
 */
public final class Push {
  /**
   * How often peers announce: every 2 s, so that every peer hears of its peers quickly; for fleets of thousands,
   * a second per thousand hosts, up to 10 s, so that the tracker answers about a thousand announces a second at
   * most (each costs it ~0.2 ms of CPU).
   */
  static Duration announceInterval(int hosts) {
    return Duration.ofSeconds(Math.max(2, Math.min(10, hosts / 1000)));
  }

  private final PushRequest request;
  private final PushListener listener;
  private final Connector connector;
  private final CompletableFuture<Void> serving = new CompletableFuture<>();
  private CountDownLatch finished;
  private final byte[] peerJar;
  private byte[] info;
  /** The content's size in bytes, file or tree. */
  private long bytes;
  private int mode;
  /** The modification time hosts give the file (-p), or -1. */
  private long mtime;
  /** The directory's permission bits and directories; null for a file. */
  private Layout layout;
  private volatile Endpoints endpoints;
  /** Whether {@link PushEvent.RunFinished} went out: nothing follows it. */
  private boolean over;
  private final byte[] secret = new byte[32];
  private byte[] contentDigest;
  private RunCredentials tls;

  private Push(PushRequest request, PushListener listener, Connector connector, byte[] peerJar) {
    this.request = request;
    this.listener = listener;
    this.connector = connector;
    this.peerJar = peerJar;
  }

  /** Validates {@code request}, then runs it to the end. */
  public static PushResult run(PushRequest request, PushListener listener)
      throws InvalidPushException, IOException, InterruptedException {
    request.validate();
    return run(request, listener, Connector.ssh(request), PeerProgram.load());
  }

  /**
   * Runs a valid {@code request} to the end, reaching hosts through {@code connector}, which it closes, and giving
   * them {@code peerJar} to run.
   */
  static PushResult run(PushRequest request, PushListener listener, Connector connector, byte[] peerJar)
      throws InvalidPushException, IOException, InterruptedException {
    try (connector) {
      return new Push(request, listener, connector, peerJar).run();
    }
  }

  private PushResult run() throws IOException, InterruptedException, InvalidPushException {
    long start = System.nanoTime();
    Tree tree = tree();
    bytes = tree != null ? tree.files().stream().mapToLong(FileEntry::length).sum() : Files.size(request.file());
    emit(new PushEvent.RunStarted(request.file().toString(), request.dest(), bytes, Hashing.pieceCountFor(bytes),
        request.hosts().size(), request.dryRun()));
    finished = new CountDownLatch(request.hosts().size());
    ExecutorService hostThreads =
        Executors.newFixedThreadPool(request.parallel(), new DefaultThreadFactory("herd-host", true));
    List<HostRun> hosts = new ArrayList<>();
    for (HostSpec h : request.hosts()) hosts.add(new HostRun(h, this));
    // hosts connect and check Java and the peer program while the file is hashed; they start their peers once
    // the tracker and the seeder are up
    hosts.forEach(hostThreads::execute);
    EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("herd-io", true));
    PushResult result;
    try {
      Hashing.Hashed hashed = tree != null
          ? PieceStore.hash(request.file(), request.file().toAbsolutePath().normalize().getFileName().toString(), tree.files())
          : Hashing.hashFile(request.file());
      Metainfo meta = hashed.metainfo();
      layout = tree != null ? tree.layout() : null;
      contentDigest = hashed.contentDigest();
      info = meta.encodeInfo();
      mode = request.attributes().mode() != null ? request.attributes().mode()
          : FileMode.toBits(Files.getPosixFilePermissions(request.file()));
      mtime = request.attributes().preserveTime() ? Files.getLastModifiedTime(request.file()).toMillis() : -1;
      new SecureRandom().nextBytes(secret);
      if (request.tls()) tls = RunCredentials.generate();
      Admission admission = Admission.members(secret, tls);
      byte[] token = Admission.trackerToken(secret).getBytes(StandardCharsets.US_ASCII);
      if (request.dryRun()) {
        // hosts check what a push would meet with the run's metainfo alone: no tracker, no seeder
        serving.complete(null);
        awaitHosts(hosts);
      } else {
        try (PieceStore store = PieceStore.openForReading(request.file(), meta);
            Endpoints listening = new Endpoints(group, store, admission, token, announceInterval(request.hosts().size()),
                request.ports(), request.bind(), request.rateLimit())) {
          endpoints = listening;
          serving.complete(null);
          awaitHosts(hosts);
        }
      }
    } catch (IOException | RuntimeException e) {
      // hashing or listening failed here: the hosts under way stop for it
      for (HostRun h : hosts) h.abort(RemoteException.Kind.LOCAL.word(), "herd stopped: " + e.getMessage());
      throw e;
    } finally {
      for (HostRun h : hosts) h.abort(PushEvent.HostFailed.INTERRUPTED, "interrupted"); // closes the sessions of hosts behind bastions too
      // every host has its outcome now: the summary goes out before the wait for their threads, which an interrupt
      // may not outlast, and ends a live progress line before herd prints why it stopped
      result = new PushResult(hosts.stream().map(HostRun::outcome).toList(), Duration.ofNanos(System.nanoTime() - start));
      List<PushEvent.HostFailed> failures = result.failed().stream()
          .map(o -> new PushEvent.HostFailed(o.host(), o.kind(), o.detail(), false)).toList();
      emit(new PushEvent.RunFinished(request.dest(), hosts.size(), hosts.size() - failures.size(), failures,
          endpoints == null ? 0 : endpoints.uploaded(), result.elapsed()));
      serving.completeExceptionally(new IOException("the run ended before the seeder was up")); // once it was, a no-op
      hostThreads.shutdown();
      if (!hostThreads.awaitTermination(30, TimeUnit.SECONDS)) hostThreads.shutdownNow();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    return result;
  }

  /** Waits until every host ended, or for the run's time limit, which fails the hosts still under way. */
  private void awaitHosts(List<HostRun> hosts) throws InterruptedException {
    if (request.timeout().isZero()) {
      finished.await();
    } else if (!finished.await(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      for (HostRun h : hosts) h.abort(PushEvent.HostFailed.TIMEOUT, "timed out after " + request.timeout().toSeconds() + " s");
    }
  }

  /** The directory pushed, as its torrent holds it; null for a file. */
  private Tree tree() throws IOException, InvalidPushException {
    if (!Files.isDirectory(request.file())) return null;
    try {
      return Tree.scan(request.file(), request.excludes());
    } catch (IOException e) {
      throw new InvalidPushException("cannot push " + request.file() + ": " + e.getMessage());
    }
  }

  // ---- for HostRun ----

  PushRequest request() {
    return request;
  }

  CountDownLatch finished() {
    return finished;
  }

  long bytes() {
    return bytes;
  }

  byte[] peerJar() {
    return peerJar;
  }

  Connector connector() {
    return connector;
  }

  /**
   * What a host that reached this machine at {@code local} is told: the torrent, the run's secret and TLS material,
   * where to announce (the tracker and the seeder listen there from now on), and where it keeps its memory of
   * verified files. Call after {@link #awaitServing()}.
   */
  PeerConfig peerConfig(InetAddress local, String verifiedDir) throws RemoteException {
    int trackerPort;
    try {
      trackerPort = endpoints.listenFor(local);
    } catch (IOException e) {
      throw cannotListen(request.bind() != null ? request.bind() : local, e);
    }
    return peerConfig(endpoints.urlHost(local) + ":" + trackerPort, "", null, verifiedDir);
  }

  /** What a host is told for a dry run ({@link herd.peer.PeerRun#check}): the content, without tracker or seeder. */
  PeerConfig checkConfig(String verifiedDir) {
    return new PeerConfig(info, "", request.dest(), mode, contentDigest, null, null, verifiedDir, request.fullCheck(),
        null, layout, request.force(), 0, mtime, request.attributes().owner());
  }

  /**
   * What a host that announces and fetches from the seeder through reverse forwards on its SSH connection is told:
   * the forwards' addresses on the host, and to announce {@code own}, its own address, at which other hosts reach it.
   */
  PeerConfig forwardedPeerConfig(
      InetSocketAddress trackerForward, InetSocketAddress seederForward, InetAddress own, String verifiedDir) {
    return peerConfig(hostPort(trackerForward), "&ip=" + URLEncoder.encode(own.getHostAddress(), StandardCharsets.UTF_8),
        hostPort(seederForward), verifiedDir);
  }

  private PeerConfig peerConfig(String tracker, String moreQuery, String seeder, String verifiedDir) {
    String url = "http://" + tracker + "/announce?token=" + Admission.trackerToken(secret) + moreQuery;
    return new PeerConfig(
        info, url, request.dest(), mode, contentDigest, secret, tls, verifiedDir, request.fullCheck(), seeder, layout,
        request.force(), request.rateLimit(), mtime, request.attributes().owner());
  }

  private static String hostPort(InetSocketAddress a) {
    return Endpoints.urlText(a.getAddress()) + ":" + a.getPort();
  }

  /**
   * Where reverse forwards on hosts' SSH connections lead: this machine's tracker and seeder on the loopback address,
   * listening there from now on. Call after {@link #awaitServing()}.
   */
  Endpoints.Here forwardTargets() throws RemoteException {
    try {
      return endpoints.forForwards();
    } catch (IOException e) {
      throw cannotListen(InetAddress.getLoopbackAddress(), e);
    }
  }

  private static RemoteException cannotListen(InetAddress address, IOException e) {
    return new RemoteException(
        RemoteException.Kind.LOCAL, "cannot listen on " + address.getHostAddress() + ": " + e.getMessage());
  }

  /** Passes {@code event} on, unless the run finished: a host's thread may still be winding down then. */
  synchronized void emit(PushEvent event) {
    if (over) return;
    over = event instanceof PushEvent.RunFinished;
    listener.on(event);
  }

  /** Blocks until the tracker and the seeder are up; fails if they never will be in this run. */
  void awaitServing() throws RemoteException, InterruptedException {
    try {
      serving.get();
    } catch (ExecutionException e) {
      throw new RemoteException(RemoteException.Kind.LOCAL, e.getCause().getMessage());
    }
  }
}
