package herd.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import net.schmizz.sshj.connection.channel.Channel;
import net.schmizz.sshj.connection.channel.forwarded.ConnectListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins each connection that a host's sshd sends back over a reverse forward to a new TCP connection to {@code target}
 * on this machine, and copies bytes both ways until either side ends; then it closes both.
 *
 * <p>sshj calls {@link #gotConnect} on a thread of its own per connection; that thread copies toward the host, and one
 * more named daemon thread copies toward {@code target}. (sshj's own {@code SocketForwardingConnectListener} waits
 * for both directions to end, so a connection the host closed kept three threads until the target, say the tracker
 * keeping an HTTP connection alive, closed its end too.)
 */
final class ForwardHere implements ConnectListener {
  private static final Logger log = LoggerFactory.getLogger(ForwardHere.class);
  private static final int CONNECT_MILLIS = 10_000;
  private static final int BUFFER = 64 * 1024;

  private final InetSocketAddress target;
  private final String threadName;

  ForwardHere(InetSocketAddress target, String threadName) {
    this.target = target;
    this.threadName = threadName;
  }

  @Override
  public void gotConnect(Channel.Forwarded channel) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(target, CONNECT_MILLIS);
      channel.confirm();
    } catch (IOException e) {
      socket.close(); // sshj then refuses the channel
      throw e;
    }
    Thread.currentThread().setName(threadName);
    OutputStream toSocket = socket.getOutputStream();
    Thread toTarget = new Thread(() -> copy(channel.getInputStream(), toSocket, channel, socket), threadName + "-in");
    toTarget.setDaemon(true);
    toTarget.start();
    copy(socket.getInputStream(), channel.getOutputStream(), channel, socket);
  }

  /** Copies {@code in} to {@code out} until either ends or fails, then closes both ends of the forward. */
  private static void copy(InputStream in, OutputStream out, Channel channel, Socket socket) {
    byte[] buf = new byte[BUFFER];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      log.debug("forward to {}: {}", socket.getRemoteSocketAddress(), e.toString());
    } finally {
      RemoteSession.closeQuietly(socket);
      RemoteSession.closeQuietly(channel);
    }
  }
}
