package herd.remote;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** A command running on a host: over SSH ({@link RemoteSession#start}), or, in tests, within this process. */
public interface RemoteProcess extends AutoCloseable {
  /** Its stdin, buffered: {@code flush()} to send; closing it sends EOF. */
  OutputStream stdin();

  InputStream stdout();

  /** The exit status, or null while running or if the command died of a signal. */
  Integer exitStatus();

  /** Waits up to {@code timeout} for the command to finish; true if it has (or the connection is gone). */
  boolean waitFor(Duration timeout);

  /** Ends the command's channel; the command then sees EOF on its stdin. */
  @Override
  void close();
}
