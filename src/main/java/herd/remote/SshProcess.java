package herd.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command running on a host over its own SSH channel.
 *
 * <p>{@link #stdin()} is buffered: {@code flush()} to send; closing it sends EOF but keeps the channel. stdout and
 * stderr share the channel's flow-control window, so keep reading both (from separate threads) or the remote side
 * stalls once a window's worth of unread output piles up; commands herd runs merge stderr into stdout.
 */
final class SshProcess implements RemoteProcess {
  private static final Logger log = LoggerFactory.getLogger(SshProcess.class);

  private final Session.Command command;

  SshProcess(Session.Command command) {
    this.command = command;
  }

  @Override
  public OutputStream stdin() {
    return command.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return command.getInputStream();
  }

  @Override
  public Integer exitStatus() {
    return command.getExitStatus();
  }

  @Override
  public boolean waitFor(Duration timeout) {
    try {
      command.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ConnectionException e) {
      log.debug("waiting for remote command: {}", e.toString());
    }
    return !command.isOpen();
  }

  @Override
  public void close() {
    try {
      command.close();
    } catch (IOException e) {
      log.debug("closing remote command: {}", e.toString());
    }
  }
}
