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
 * stalls once a window's worth of unread output piles up.
 */
public final class RemoteProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteProcess.class);

  private final Session.Command command;

  RemoteProcess(Session.Command command) {
    this.command = command;
  }

  public OutputStream stdin() {
    return command.getOutputStream();
  }

  public InputStream stdout() {
    return command.getInputStream();
  }

  public InputStream stderr() {
    return command.getErrorStream();
  }

  /** The exit status, or null while running or if the command died of a signal. */
  public Integer exitStatus() {
    return command.getExitStatus();
  }

  /** Waits up to {@code timeout} for the command to finish; true if it has (or the connection is gone). */
  public boolean waitFor(Duration timeout) {
    try {
      command.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ConnectionException e) {
      log.debug("waiting for remote command: {}", e.toString());
    }
    return !command.isOpen();
  }

  /** Closes the channel; the remote command then sees EOF on its stdin. */
  @Override
  public void close() {
    try {
      command.close();
    } catch (IOException e) {
      log.debug("closing remote command: {}", e.toString());
    }
  }
}
