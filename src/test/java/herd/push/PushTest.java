package herd.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.events.PushEvent;
import herd.hosts.HostList;
import herd.hosts.HostSpec;
import herd.remote.RemoteException;
import herd.remote.RemoteHost;
import herd.remote.SshOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push's handling of its hosts (parallel slots, retries, the time limit, interruption) with hosts in this process
 * ({@link InProcessHost}): the real tracker, seeder and peer runs over loopback, without SSH or root.
 */
class PushTest {
  private static final String DEST = "/srv/app.bin";

  @TempDir Path dir;
  private Path source;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger mostActive = new AtomicInteger();
  /** The most sessions open at once, counted as each host connects. */
  private final AtomicInteger mostOpen = new AtomicInteger();
  private final Map<String, AtomicInteger> connects = new ConcurrentHashMap<>();
  private final Map<String, InProcessHost> started = new ConcurrentHashMap<>();
  private final List<PushEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 7];
    new Random(1).nextBytes(data);
    source = Files.write(dir.resolve("app.bin"), data);
  }

  /** Hosts in this process; {@code unreachableOnce} fail their first connect, {@code stuck} never complete. */
  private Connector connector(Set<String> unreachableOnce, Set<String> stuck) {
    return new Connector() {
      @Override
      public RemoteHost connect(HostSpec host, int attempt) throws RemoteException {
        connects.computeIfAbsent(host.host(), h -> new AtomicInteger()).incrementAndGet();
        if (attempt == 1 && unreachableOnce.contains(host.host())) {
          throw new RemoteException(RemoteException.Kind.UNREACHABLE, "connection refused");
        }
        mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        mostOpen.accumulateAndGet(1 + (int) started.values().stream().filter(h -> !h.closed).count(), Math::max);
        InProcessHost h = new InProcessHost(dir.resolve(host.host()), stuck.contains(host.host()), done -> active.decrementAndGet());
        started.put(host.host(), h);
        return h;
      }

      @Override
      public void close() {}
    };
  }

  private PushResult push(List<String> hosts, int parallel, int retries, Duration timeout, Connector connector) throws Exception {
    PushRequest request = new PushRequest(source, DEST, HostList.parseList(String.join(",", hosts)), SshOptions.defaults(),
        parallel, retries, PortRange.ANY, null, false, PushRequest.DEFAULT_REMOTE_PATH, timeout, true, false, List.of(),
        List.of(), false, 0, false, Attributes.NONE);
    request.validate();
    return Push.run(request, events::add, connector, new byte[] {1});
  }

  private void assertHas(String host) throws Exception {
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(dir.resolve(host + DEST)), host);
    assertEquals(List.of("app.bin"), names(dir.resolve(host + "/srv")), host + ": temporary file left");
  }

  @Test
  void noMoreHostsThanParallelHoldASlotUntilTheirFileIsPlaced() throws Exception {
    List<String> hosts = List.of("h1", "h2", "h3", "h4", "h5");
    PushResult r = push(hosts, 2, 0, Duration.ZERO, connector(Set.of(), Set.of()));
    assertTrue(r.allDone(), r.toString());
    for (String h : hosts) assertHas(h);
    assertEquals(2, mostActive.get(), "hosts transferring at once");
  }

  @Test
  void aHostThatPlacedTheFileServesOnWithoutItsSessionUntilTheRunEnds() throws Exception {
    List<String> hosts = List.of("h1", "h2", "h3");
    PushResult r = push(hosts, 1, 0, Duration.ZERO, connector(Set.of(), Set.of()));
    assertTrue(r.allDone(), r.toString());
    assertEquals(1, mostOpen.get(), "sessions open at once");
    for (String h : hosts) {
      InProcessHost host = started.get(h);
      assertTrue(host.servingWhenClosed, h + ": its peer did not serve on once its session was closed");
      assertEquals(0, host.exit.get(10, TimeUnit.SECONDS), h + ": its peer did not stop once the tracker closed");
      assertHas(h);
    }
  }

  @Test
  void eachHostsEventsComeInOrderAndARerunCountsItsBytesAsPresentNotFetched() throws Exception {
    long size = Files.size(source);
    PushResult first = push(List.of("h1", "h2"), 4, 0, Duration.ZERO, connector(Set.of(), Set.of()));
    assertTrue(first.allDone(), first.toString());
    for (String h : List.of("h1", "h2")) {
      List<Class<?>> kinds = events.stream().filter(e -> host(e) != null && host(e).host().equals(h))
          .map(Object::getClass).filter(c -> c != PushEvent.HostProgress.class).distinct().toList();
      assertEquals(List.of(PushEvent.HostConnected.class, PushEvent.PeerStarted.class, PushEvent.FirstPiece.class,
          PushEvent.HostDone.class), kinds, h);
    }
    assertInstanceOf(PushEvent.RunStarted.class, events.get(0));
    PushEvent.RunFinished finished = assertInstanceOf(PushEvent.RunFinished.class, events.get(events.size() - 1));
    assertEquals(2, finished.done());
    assertTrue(finished.sent() >= size, "the seeder sent " + finished.sent() + " bytes of " + size);

    events.clear();
    PushResult again = push(List.of("h1", "h2"), 4, 0, Duration.ZERO, connector(Set.of(), Set.of()));
    assertTrue(again.allDone(), again.toString());
    List<PushEvent.HostProgress> progress = events.stream()
        .filter(e -> e instanceof PushEvent.HostProgress).map(e -> (PushEvent.HostProgress) e).toList();
    assertEquals(2, progress.size(), events.toString());
    for (PushEvent.HostProgress p : progress) {
      assertEquals(0, p.fetched(), p.toString());
      assertEquals(size, p.present(), p.toString());
    }
    assertTrue(events.stream().noneMatch(e -> e instanceof PushEvent.FirstPiece), events.toString());
    assertEquals(0, ((PushEvent.RunFinished) events.get(events.size() - 1)).sent());
  }

  @Test
  void aHostWithAnOlderVersionFetchesOnlyTheChangedPieceAndTheSeederSendsLittleMore() throws Exception {
    byte[] old = Files.readAllBytes(source);
    old[old.length / 2] ^= 1;
    for (String h : List.of("h1", "h2")) {
      Files.createDirectories(dir.resolve(h + "/srv"));
      Files.write(dir.resolve(h + DEST), old);
    }
    PushResult r = push(List.of("h1", "h2"), 4, 0, Duration.ZERO, connector(Set.of(), Set.of()));
    assertTrue(r.allDone(), r.toString());
    assertHas("h1");
    assertHas("h2");
    long size = Files.size(source);
    long piece = herd.metainfo.Hashing.pieceLengthFor(size);
    for (String h : List.of("h1", "h2")) {
      PushEvent.HostProgress last = events.stream()
          .filter(e -> e instanceof PushEvent.HostProgress p && p.host().host().equals(h))
          .map(e -> (PushEvent.HostProgress) e).reduce((a, b) -> b).orElseThrow();
      assertEquals(size - piece, last.present(), h + ": bytes found in place");
      assertEquals(piece, last.fetched(), h + ": bytes fetched");
    }
    long sent = ((PushEvent.RunFinished) events.get(events.size() - 1)).sent();
    assertTrue(sent >= piece && sent <= 2 * piece, "the seeder sent " + sent + " bytes for a change of one " + piece + "-byte piece");
  }

  private static HostSpec host(PushEvent e) {
    if (e instanceof PushEvent.HostConnected c) return c.host();
    if (e instanceof PushEvent.PeerStarted c) return c.host();
    if (e instanceof PushEvent.FirstPiece c) return c.host();
    if (e instanceof PushEvent.HostProgress c) return c.host();
    if (e instanceof PushEvent.HostDone c) return c.host();
    if (e instanceof PushEvent.HostFailed c) return c.host();
    return null;
  }

  @Test
  void peersAnnounceLessOftenInFleetsOfThousands() {
    assertEquals(Duration.ofSeconds(2), Push.announceInterval(48));
    assertEquals(Duration.ofSeconds(2), Push.announceInterval(2999));
    assertEquals(Duration.ofSeconds(3), Push.announceInterval(3000));
    assertEquals(Duration.ofSeconds(10), Push.announceInterval(50_000));
  }

  @Test
  void aRetryableFailureIsRetriedAsOftenAsAsked() throws Exception {
    PushResult once = push(List.of("h1", "flaky"), 4, 1, Duration.ZERO, connector(Set.of("flaky"), Set.of()));
    assertTrue(once.allDone(), once.toString());
    assertEquals(2, once.hosts().get(1).attempts());
    assertEquals(2, connects.get("flaky").get());
    assertTrue(events.stream().anyMatch(e -> e instanceof PushEvent.HostFailed f && f.retrying()), events.toString());
    assertHas("flaky");

    connects.clear();
    PushResult never = push(List.of("h1", "flaky2"), 4, 0, Duration.ZERO, connector(Set.of("flaky2"), Set.of()));
    assertEquals(List.of("flaky2"), never.failed().stream().map(o -> o.host().host()).toList());
    assertEquals("connection refused", never.failed().get(0).detail());
    assertEquals(1, connects.get("flaky2").get());
  }

  @Test
  void theTimeLimitFailsTheHostsStillUnderWayAndStopsTheirPeers() throws Exception {
    long start = System.nanoTime();
    PushResult r = push(List.of("h1", "stuck"), 4, 0, Duration.ofSeconds(3), connector(Set.of(), Set.of("stuck")));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(r.hosts().get(0).done(), r.toString());
    assertEquals("timed out after 3 s", r.hosts().get(1).detail());
    assertTrue(seconds < 30, "took " + seconds + " s");
    assertEquals(1, started.get("stuck").exit.get(10, TimeUnit.SECONDS), "the stuck peer was not stopped");
    assertHas("h1");
  }

  @Test
  void anInterruptedPushFailsEveryHostUnderWayAndStopsItsPeer() throws Exception {
    var pool = Executors.newSingleThreadExecutor();
    try {
      Future<PushResult> result = pool.submit(() -> push(List.of("stuck"), 4, 0, Duration.ZERO, connector(Set.of(), Set.of("stuck"))));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!started.containsKey("stuck") || events.stream().noneMatch(e -> e instanceof PushEvent.PeerStarted)) {
        assertTrue(System.nanoTime() < deadline, "the peer never started: " + events);
        Thread.sleep(10);
      }
      pool.shutdownNow(); // interrupts the push
      ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(30, TimeUnit.SECONDS));
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertTrue(events.stream().anyMatch(ev -> ev instanceof PushEvent.HostFailed f && f.reason().equals("interrupted")
          && f.kind().equals(PushEvent.HostFailed.INTERRUPTED)), events.toString());
      // the summary goes out even so, and ends a live progress line before herd prints that it was interrupted
      PushEvent.RunFinished summary = assertInstanceOf(PushEvent.RunFinished.class, events.get(events.size() - 1));
      assertEquals(List.of("stuck"), summary.failures().stream().map(f -> f.host().host()).toList());
      assertEquals(1, started.get("stuck").exit.get(10, TimeUnit.SECONDS), "the peer was not stopped");
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> names(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      List<String> out = new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
      out.sort(null);
      return out;
    }
  }
}
