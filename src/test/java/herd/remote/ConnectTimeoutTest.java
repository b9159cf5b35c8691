package herd.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.hosts.HostSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connect timeout is OpenSSH's ConnectTimeout: the TCP connect and the server's banner. The login after it has its
 * own bound. Servers here are in-process fronts for a real sshd that hold back what it says.
 */
final class ConnectTimeoutTest {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static LocalSshd sshd;

  @TempDir Path tmp;
  private final List<AutoCloseable> fronts = new ArrayList<>();

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = LocalSshd.start();
    // loads sshj's classes and keys once, so that the timing below measures the server, not a cold JVM on a busy CI
    RemoteSession.connect(sshd.host(), sshd.options()).close();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @AfterEach
  void closeFronts() throws Exception {
    for (AutoCloseable front : fronts) {
      front.close();
    }
  }

  @Test
  void slowKeyExchangeAfterTheBannerIsNotAConnectTimeout() throws Exception {
    // The banner comes at once; everything after it three times the connect timeout later.
    Front front = front(Duration.ofSeconds(3), true);
    try (RemoteSession session = RemoteSession.connect(front.host(), options(front))) {
      assertEquals("hi\n", session.run("echo hi"));
    }
  }

  @Test
  void serverThatNeverSendsItsBannerFailsWithinTheConnectTimeout() throws Exception {
    Front front = front(null, false);
    long start = System.nanoTime();
    RemoteException e = assertTimeoutPreemptively(Duration.ofMinutes(2),
        () -> assertThrows(RemoteException.class, () -> RemoteSession.connect(front.host(), options(front))));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(RemoteException.Kind.UNREACHABLE, e.kind());
    assertEquals("timed out after 1s waiting for the server's SSH banner", e.getMessage());
    assertTrue(took.compareTo(CONNECT_TIMEOUT) >= 0, "failed after " + took);
  }

  @Test
  void serverBehindABastionThatNeverSendsItsBannerFailsWithinTheConnectTimeout() throws Exception {
    Front front = front(null, false);
    try (RemoteSession bastion = RemoteSession.connect(sshd.host(), sshd.options())) {
      ResolvedHost target = SshConfig.resolve(front.host(), options(front));
      long start = System.nanoTime();
      RemoteException e = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> assertThrows(RemoteException.class,
          () -> RemoteSession.connect(front.host(), target, bastion, KeyFiles.SHARED, SshOptions.LOGIN_TIMEOUT)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(RemoteException.Kind.UNREACHABLE, e.kind());
      assertEquals("timed out after 1s waiting for the server's SSH banner", e.getMessage());
      assertTrue(took.compareTo(CONNECT_TIMEOUT) >= 0, "failed after " + took);
    }
  }

  @Test
  void serverThatStallsAfterItsBannerFailsWithTheLoginTimeout() throws Exception {
    Front front = front(null, true);
    Duration login = Duration.ofSeconds(2);
    long start = System.nanoTime();
    RemoteException e = assertTimeoutPreemptively(Duration.ofMinutes(2),
        () -> assertThrows(RemoteException.class, () -> RemoteSession.connect(front.host(), options(front), KeyFiles.SHARED, login)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(RemoteException.Kind.UNREACHABLE, e.kind());
    assertEquals("SSH login timed out after 2s (the server answered, then stalled)", e.getMessage());
    assertTrue(took.compareTo(login) >= 0, "failed after " + took);
  }

  private SshOptions options(Front front) throws IOException {
    Path knownHosts = Files.writeString(
        tmp.resolve("known_hosts"), "[127.0.0.1]:" + front.port() + " " + sshd.hostPublicKey() + "\n");
    return sshd.options().withKnownHosts(knownHosts).withConnectTimeout(CONNECT_TIMEOUT);
  }

  /**
   * A server in front of sshd. Without the banner it accepts and says nothing. With it, it passes sshd's banner line
   * on at once, and the rest after {@code delay}, or never when {@code delay} is null.
   */
  private Front front(Duration delay, boolean banner) throws IOException {
    Front front = new Front(delay, banner);
    fronts.add(front);
    return front;
  }

  private static final class Front implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final Duration delay;
    private final boolean banner;

    Front(Duration delay, boolean banner) throws IOException {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.delay = delay;
      this.banner = banner;
      Thread acceptor = new Thread(this::accept, "front-" + server.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    HostSpec host() {
      return new HostSpec(System.getProperty("user.name"), "127.0.0.1", port());
    }

    private void accept() {
      try {
        while (true) {
          Socket client = server.accept();
          synchronized (sockets) {
            sockets.add(client);
          }
          if (!banner) {
            continue;
          }
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), sshd.port());
          synchronized (sockets) {
            sockets.add(upstream);
          }
          pipe("front-up", client.getInputStream(), upstream.getOutputStream(), false);
          pipe("front-down", upstream.getInputStream(), client.getOutputStream(), true);
        }
      } catch (IOException e) {
        // closed
      }
    }

    private void pipe(String name, InputStream from, OutputStream to, boolean holdAfterBanner) {
      Thread thread = new Thread(() -> {
        try {
          if (holdAfterBanner) {
            for (int b = from.read(); b != -1; b = from.read()) {
              to.write(b);
              if (b == '\n') {
                break;
              }
            }
            to.flush();
            if (delay == null) {
              from.transferTo(OutputStream.nullOutputStream());
              return;
            }
            Thread.sleep(delay.toMillis());
          }
          from.transferTo(to);
        } catch (IOException | InterruptedException e) {
          // closed
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
    }
  }
}
