package herd.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.runtime.BtClient;
import bt.runtime.Config;
import herd.metainfo.TorrentFile;
import herd.serve.ServeOptions;
import herd.serve.Server;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * herd serve, fetched from by clients nobody here wrote: aria2c, transmission-cli and the bt library. Served on one of this
 * machine's own non-loopback addresses: transmission refuses peers on 127.0.0.0/8 ("martian" addresses).
 */
class ServeInteropTest {
  private static final Duration SCAN = Duration.ofMillis(200);
  private static final InetAddress ADDRESS = ownAddress();

  @TempDir Path dir;
  private Path root;
  private Clients clients;
  private Server server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(dir.resolve("releases"));
    clients = new Clients(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    clients.close();
    if (server != null) server.close();
  }

  @Test
  void aria2cAndTransmissionEachFetchByPathAndTheNewestBelowADirectory() throws Exception {
    byte[] v1 = file("app/v1.bin", 5 * 1024 * 1024 + 17, 20);
    byte[] v2 = file("app/v2.bin", 3 * 1024 * 1024 + 5, 10);
    file("zzz-elsewhere.bin", 1000, 5);
    start(null);

    assertArrayEquals(v1, Files.readAllBytes(byAria2c("/serve?app/v1.bin", "aria2c-path").resolve("v1.bin")));
    assertArrayEquals(v2, Files.readAllBytes(byAria2c("/serve_last_updated?app", "aria2c-newest").resolve("v2.bin")));
    assertArrayEquals(v1, Files.readAllBytes(byTransmission("/serve?path=app/v1.bin", "transmission-path").resolve("v1.bin")));
    assertArrayEquals(v2, Files.readAllBytes(byTransmission("/serve_last_updated?app", "transmission-newest").resolve("v2.bin")));
  }

  /** Where aria2c saved what it fetched from {@code pathAndQuery}. */
  private Path byAria2c(String pathAndQuery, String name) throws Exception {
    Path out = Files.createDirectories(dir.resolve(name));
    Process aria2c = clients.aria2c(out, url(pathAndQuery));
    assertTrue(aria2c.waitFor(90, TimeUnit.SECONDS), "aria2c still running\n" + clients.output());
    assertEquals(0, aria2c.exitValue(), clients.output());
    return out;
  }

  /** Where transmission-cli saved what it fetched from {@code pathAndQuery}, once it says it is done. */
  private Path byTransmission(String pathAndQuery, String name) throws Exception {
    Path out = Files.createDirectories(dir.resolve(name));
    Path finished = dir.resolve(name + ".finished");
    clients.transmission(out, url(pathAndQuery), finished);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.exists(finished)) {
      assertTrue(System.nanoTime() < deadline, "transmission-cli did not finish\n" + clients.output());
      Thread.sleep(100);
    }
    return out;
  }

  @Test
  void theBtLibraryAnnouncesToHerdsTrackerAndDownloadsFromHerdServe() throws Exception {
    byte[] data = file("lib/bt.bin", 4 * 1024 * 1024 + 9, 10);
    start(null);
    Path out = Files.createDirectories(dir.resolve("bt-out"));
    int port = Clients.freePort();
    Config config = new Config() {
      @Override
      public int getAcceptorPort() {
        return port;
      }

      @Override
      public InetAddress getAcceptorAddress() {
        return ADDRESS;
      }

      // bt opens every connection with an MSE key exchange, even under its default PREFER_PLAINTEXT policy, and does
      // not retry in plaintext when the peer hangs up on it; herd speaks plaintext BitTorrent only
      @Override
      public boolean isMseDisabled() {
        return true;
      }
    };
    // no DHT module on the class path: the only way to herd's seeder is herd's tracker
    BtClient bt = Bt.client().config(config).storage(new FileSystemStorage(out))
        .torrent(URI.create(url("/serve?lib/bt.bin")).toURL()).autoLoadModules().stopWhenDownloaded().build();
    try {
      bt.startAsync().get(90, TimeUnit.SECONDS);
    } finally {
      if (bt.isStarted()) bt.stop();
    }
    assertArrayEquals(data, Files.readAllBytes(out.resolve("bt.bin")));
  }

  @Test
  void aFileDroppedInIsServedWithinFiveSeconds() throws Exception {
    start(null);
    assertEquals(404, get("/serve?new.bin").statusCode());
    byte[] data = new byte[2 * 1024 * 1024];
    new Random(3).nextBytes(data);
    long dropped = System.nanoTime();
    Files.write(root.resolve("new.bin"), data);
    awaitStatus("/serve?new.bin", 200);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped);
    assertTrue(millis < 5000, "served " + millis + " ms after it was dropped in");
    assertEquals(data.length, torrent("/serve?new.bin").metainfo().length());
  }

  @Test
  void aFileStillBeingWrittenIsNotServedUntilItSettles() throws Exception {
    // settling for 3 s, against a write every 200 ms: a stall of the writing thread beyond 3 s would be needed to
    // make a half-written file look complete
    server = Server.start(new ServeOptions(root, dir.resolve("cache"), new InetSocketAddress(ADDRESS, 0), 0, null,
        Duration.ofSeconds(3), SCAN, Duration.ofSeconds(1), 0));
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(root.resolve("growing.bin"))) {
      for (int i = 0; i < 15; i++) {
        out.write(block);
        out.flush();
        assertEquals(404, get("/serve?growing.bin").statusCode(), "served while being written, after block " + i);
        Thread.sleep(200);
      }
    }
    awaitStatus("/serve?growing.bin", 200);
    assertEquals(15 * block.length, torrent("/serve?growing.bin").metainfo().length());
  }

  @Test
  void aDeletedFileStopsBeingServedAndAChangedOneIsServedAsItIsNow() throws Exception {
    file("gone.bin", 1000, 10);
    file("changed.bin", 1000, 10);
    start(null);
    Files.delete(root.resolve("gone.bin"));
    awaitStatus("/serve?gone.bin", 404);
    file("changed.bin", 2000, 0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      // one request per look: the old file's torrent may go between two
      HttpResponse<byte[]> res = get("/serve?changed.bin");
      if (res.statusCode() == 200 && TorrentFile.decode(res.body()).metainfo().length() == 2000) break;
      assertTrue(System.nanoTime() < deadline, "the changed file is not served as it is now");
      Thread.sleep(50);
    }
  }

  @Test
  void aRestartHashesOnlyWhatChanged() throws Exception {
    for (int i = 0; i < 20; i++) file("f" + i + ".bin", 100_000 + i, 10);
    start(null);
    assertEquals("20 files (0 from the cache, 20 hashed)", server.firstScan());
    server.close();
    start(null);
    assertEquals("20 files (20 from the cache, 0 hashed)", server.firstScan());
    server.close();
    file("f7.bin", 5, 10);
    start(null);
    assertEquals("20 files (19 from the cache, 1 hashed)", server.firstScan());
    assertEquals(5, torrent("/serve?f7.bin").metainfo().length());
  }

  @Test
  void withATokenOnlyRequestsCarryingItAreAnsweredAndTheTorrentsCarryIt() throws Exception {
    byte[] data = file("secret.bin", 1024 * 1024 + 3, 10);
    start("s3cret");
    assertEquals(403, get("/serve?secret.bin").statusCode());
    assertEquals(403, get("/serve?path=secret.bin&token=guess").statusCode());
    assertTrue(torrent("/serve?path=secret.bin&token=s3cret").announce().endsWith("/announce?token=s3cret"));
    assertArrayEquals(data, Files.readAllBytes(byAria2c("/serve?path=secret.bin&token=s3cret", "out").resolve("secret.bin")));
  }

  private void start(String token) throws IOException {
    server = Server.start(new ServeOptions(root, dir.resolve("cache"), new InetSocketAddress(ADDRESS, 0), 0, token,
        Duration.ofSeconds(1), SCAN, Duration.ofSeconds(1), 0));
  }

  /** Writes random bytes to {@code relpath}, last modified {@code secondsAgo}. */
  private byte[] file(String relpath, int size, int secondsAgo) throws IOException {
    byte[] data = new byte[size];
    new Random(relpath.hashCode() + size).nextBytes(data);
    Path p = root.resolve(relpath);
    Files.createDirectories(p.getParent());
    Files.write(p, data);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
    return data;
  }

  private String url(String pathAndQuery) {
    return "http://" + ADDRESS.getHostAddress() + ":" + server.httpPort() + pathAndQuery;
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url(pathAndQuery))).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private TorrentFile torrent(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<byte[]> res = get(pathAndQuery);
    assertEquals(200, res.statusCode(), new String(res.body()));
    assertEquals("application/x-bittorrent", res.headers().firstValue("content-type").orElse(""));
    return TorrentFile.decode(res.body());
  }

  /** An IPv4 address of this machine's that is up and neither loopback nor link-local. */
  private static InetAddress ownAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) continue;
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) return a;
        }
      }
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("this machine has no IPv4 address but loopback; transmission-cli needs one");
  }

  private void awaitStatus(String pathAndQuery, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (get(pathAndQuery).statusCode() != status) {
      assertTrue(System.nanoTime() < deadline, pathAndQuery + " never answered " + status);
      Thread.sleep(20);
    }
  }
}
