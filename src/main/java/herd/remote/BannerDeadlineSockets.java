package herd.remote;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * Sockets that give OpenSSH's meaning to the connect timeout: the TCP connect and the server's identification line
 * ({@code SSH-2.0-...}, its banner) together must arrive within the timeout passed to {@link Socket#connect(
 * SocketAddress, int)}. Reads after the banner (key exchange, authentication, channels) are not bounded by it: a
 * healthy server slowed by load is not failed for being slow to compute its key exchange.
 *
 * <p>sshj creates its socket with {@link #createSocket()} only, connects it with its connect timeout, reads the banner
 * byte by byte, then hands the stream to its reader thread; its own {@code setSoTimeout} is applied once the banner is
 * in.
 */
final class BannerDeadlineSockets extends SocketFactory {
  /** The banner did not arrive before the connect timeout ran out. */
  static final class BannerTimeoutException extends SocketTimeoutException {
    BannerTimeoutException(Duration timeout) {
      super("no SSH banner within " + ConnectFailures.format(timeout));
    }
  }

  @Override
  public Socket createSocket() {
    return new BannerDeadlineSocket();
  }

  @Override
  public Socket createSocket(String host, int port) {
    throw new UnsupportedOperationException("sshj creates unconnected sockets");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
    throw new UnsupportedOperationException("sshj creates unconnected sockets");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) {
    throw new UnsupportedOperationException("sshj creates unconnected sockets");
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
    throw new UnsupportedOperationException("sshj creates unconnected sockets");
  }

  private static final class BannerDeadlineSocket extends Socket {
    private long deadline;
    private Duration timeout = Duration.ZERO;
    private volatile boolean bannerSeen;
    private int timeoutAfterBanner;
    private InputStream in;

    @Override
    public void connect(SocketAddress endpoint, int timeoutMillis) throws IOException {
      timeout = Duration.ofMillis(timeoutMillis);
      deadline = System.nanoTime() + timeout.toNanos();
      super.connect(endpoint, timeoutMillis);
    }

    @Override
    public synchronized void setSoTimeout(int millis) throws SocketException {
      timeoutAfterBanner = millis;
      if (bannerSeen) {
        super.setSoTimeout(millis);
      }
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new BannerStream(super.getInputStream());
      }
      return in;
    }

    /** Watches the bytes before the banner's end, with the socket's read timeout set to what is left of the deadline. */
    private final class BannerStream extends FilterInputStream {
      private final StringBuilder lineStart = new StringBuilder();

      BannerStream(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        if (bannerSeen) {
          return in.read();
        }
        int b;
        try {
          if (!timeout.isZero()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              throw new BannerTimeoutException(timeout);
            }
            BannerDeadlineSocket.super.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
          }
          b = in.read();
        } catch (SocketTimeoutException e) {
          throw e instanceof BannerTimeoutException ? e : new BannerTimeoutException(timeout);
        }
        see(b);
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (bannerSeen) {
          return in.read(buffer, offset, length);
        }
        if (length == 0) {
          return 0;
        }
        int b = read();
        if (b == -1) {
          return -1;
        }
        buffer[offset] = (byte) b;
        return 1;
      }

      /** Lines before the banner are allowed (RFC 4253, 4.2); the banner is the line that starts with "SSH-". */
      private void see(int b) throws IOException {
        if (b == '\n') {
          if (lineStart.toString().equals("SSH-")) {
            synchronized (BannerDeadlineSocket.this) {
              bannerSeen = true;
              BannerDeadlineSocket.super.setSoTimeout(timeoutAfterBanner);
            }
          }
          lineStart.setLength(0);
        } else if (b != -1 && lineStart.length() < 4) {
          lineStart.append((char) b);
        }
      }
    }
  }
}
