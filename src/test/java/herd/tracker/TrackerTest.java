package herd.tracker;

import static herd.tracker.Announces.escape;
import static herd.tracker.Announces.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.bencode.Bencode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrackerTest {
  private static final byte[] HASH = id(0xAA);
  private static final int SEEDER_PORT = 7000;
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private static EventLoopGroup group;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Tracker tracker;

  @BeforeAll
  static void startGroup() {
    group = new NioEventLoopGroup(1, new DefaultThreadFactory("tracker-test"));
  }

  @AfterAll
  static void stopGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void closeTracker() {
    if (tracker != null) tracker.close();
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + tracker.port() + pathAndQuery);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private Map<String, Object> announce(byte[] hash, int peer, int port) throws IOException, InterruptedException {
    return announce(hash, peer, port, "");
  }

  private Map<String, Object> announce(byte[] hash, int peer, int port, String extra) throws IOException, InterruptedException {
    HttpResponse<byte[]> res = get("/announce?info_hash=" + escape(hash) + "&peer_id=" + escape(id(peer))
        + "&port=" + port + "&uploaded=0&downloaded=0&left=10&event=started&compact=1" + extra);
    assertEquals(200, res.statusCode());
    assertEquals("text/plain", res.headers().firstValue("content-type").orElse(""));
    return Bencode.decodeDict(res.body());
  }

  private static String text(Object bencoded) {
    return new String((byte[]) bencoded, StandardCharsets.UTF_8);
  }

  @Test
  void handsOutTheSeederFirstAndThePeersThatAnnounced() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    announce(HASH, 1, 6001);
    Map<String, Object> reply = announce(HASH, 2, 6002);
    byte[] seeder = {127, 0, 0, 1, (byte) (SEEDER_PORT >> 8), (byte) SEEDER_PORT};
    byte[] peer = {127, 0, 0, 1, (byte) (6001 >> 8), (byte) 6001};
    assertArrayEquals(concat(seeder, peer), (byte[]) reply.get("peers"));
    assertEquals(30L, reply.get("interval"));
    assertEquals(1L, reply.get("complete"));
    assertEquals(2L, reply.get("incomplete"));
  }

  @Test
  void withoutSeederHandsOutOnlyAnnouncedPeers() throws Exception {
    tracker = start(LOOPBACK, null, 0);
    Map<String, Object> first = announce(HASH, 1, 6001);
    assertEquals(0, ((byte[]) first.get("peers")).length);
    assertEquals(0L, first.get("complete"));
  }

  @Test
  void withATokenRefusesAnnouncesThatLackIt() throws Exception {
    byte[] token = "c0ffee".getBytes(StandardCharsets.US_ASCII);
    tracker = start(LOOPBACK, token, SEEDER_PORT);
    assertEquals("not a member of this run", text(announce(HASH, 1, 6001).get("failure reason")));
    assertEquals("not a member of this run", text(announce(HASH, 2, 6002, "&token=c0ffef").get("failure reason")));
    Map<String, Object> member = announce(HASH, 3, 6003, "&token=c0ffee");
    assertEquals(null, member.get("failure reason"));
    assertEquals(6, ((byte[]) member.get("peers")).length, "only the seeder: refused announces are not handed out");
  }

  @Test
  void refusesAnotherTorrent() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    assertEquals("unknown torrent", text(announce(id(0xBB), 1, 6001).get("failure reason")));
  }

  @Test
  void keepsTheSwarmsOfItsTorrentsApartAndForgetsARemovedOne() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    byte[] other = id(0xBB);
    tracker.add(other);
    announce(HASH, 1, 6001);
    Map<String, Object> reply = announce(other, 2, 6002);
    assertEquals(6, ((byte[]) reply.get("peers")).length, "a peer of another torrent was handed out");
    assertEquals(12, ((byte[]) announce(other, 3, 6003).get("peers")).length);
    tracker.remove(other);
    assertEquals("unknown torrent", text(announce(other, 4, 6004).get("failure reason")));
  }

  @Test
  void openToAnyTorrentTracksAnnouncedOnesWithoutListingTheSeeder() throws Exception {
    tracker = Tracker.start(group, LOOPBACK,
        new TrackerOptions(null, SEEDER_PORT, Duration.ofSeconds(30), true, Announces.CONNECTIONS, Announces.TERM), Pages.NONE);
    tracker.add(HASH);
    byte[] anyHash = id(0xCC);
    assertEquals(0, ((byte[]) announce(anyHash, 1, 6001).get("peers")).length, "the seeder listed for a torrent it lacks");
    assertEquals(6, ((byte[]) announce(anyHash, 2, 6002).get("peers")).length);
    assertEquals(6, ((byte[]) announce(HASH, 3, 6003).get("peers")).length, "the seeder is not listed for an added torrent");
  }

  @Test
  void refusesMalformedAnnounceWithTheParserMessage() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    HttpResponse<byte[]> res = get("/announce?info_hash=%00");
    assertEquals(200, res.statusCode());
    assertEquals("info_hash must be 20 bytes", text(Bencode.decodeDict(res.body()).get("failure reason")));
  }

  @Test
  void answersOtherPathsWith404() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    assertEquals(404, get("/scrape?info_hash=" + escape(HASH)).statusCode());
    assertEquals(404, get("/").statusCode());
  }

  @Test
  void closesHttp10ConnectionsAfterTheReply() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tracker.port())) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write("GET /elsewhere HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String reply = new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII);
      assertTrue(reply.startsWith("HTTP/1.0 404"), reply);
    }
  }

  @Test
  void keepsHttp11ConnectionsOpenForTheNextAnnounce() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tracker.port())) {
      s.setSoTimeout(5_000);
      byte[] twice = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      s.getOutputStream().write(twice);
      String replies = new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII);
      assertEquals(2, replies.split("HTTP/1.1 404", -1).length - 1, replies);
    }
  }

  @Test
  void failsWithBindExceptionWhenThePortIsTaken() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), tracker.port());
    assertThrows(BindException.class, () -> start(taken, null, SEEDER_PORT));
  }

  @Test
  void stopsListeningOnClose() throws Exception {
    tracker = start(LOOPBACK, null, SEEDER_PORT);
    InetSocketAddress same = new InetSocketAddress(InetAddress.getLoopbackAddress(), tracker.port());
    tracker.close();
    // JDK 17 closes the socket of a channel registered with a selector only when that selector next selects, after
    // the close has completed: for a moment the port still listens (seen in CI: a connect accepted, a bind refused).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(same, 5_000);
      } catch (ConnectException refused) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "port " + same.getPort() + " still listens 10 s after close");
      Thread.sleep(10);
    }
  }

  /** A tracker for {@link #HASH}. */
  private Tracker start(InetSocketAddress bind, byte[] token, int seederPort) throws IOException {
    Tracker t = Tracker.start(group, bind,
        new TrackerOptions(token, seederPort, Duration.ofSeconds(30), false, Announces.CONNECTIONS, Announces.TERM), Pages.NONE);
    t.add(HASH);
    return t;
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
