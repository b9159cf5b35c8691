package herd.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Turns what connecting and logging in threw into a one-line {@link RemoteException.Kind#UNREACHABLE} message. sshj
 * wraps what its transport threw (a banner that did not come, a key exchange that timed out) in its own exceptions, so
 * the cause chain is searched.
 */
final class ConnectFailures {
  private ConnectFailures() {}

  static RemoteException unreachable(IOException e, Duration connectTimeout, Duration loginTimeout) {
    return new RemoteException(RemoteException.Kind.UNREACHABLE, message(e, connectTimeout, loginTimeout), e);
  }

  /** The login (key exchange or an authentication step) timed out, if that is what {@code e} says. */
  static boolean loginTimedOut(Throwable e) {
    return cause(e, TimeoutException.class) != null;
  }

  private static String message(IOException e, Duration connectTimeout, Duration loginTimeout) {
    String text = String.valueOf(e.getMessage());
    String lower = text.toLowerCase(Locale.ROOT);
    if (e instanceof UnknownHostException) {
      return "host name not found";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (cause(e, BannerDeadlineSockets.BannerTimeoutException.class) != null) {
      return "timed out after " + format(connectTimeout) + " waiting for the server's SSH banner";
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out after " + format(connectTimeout);
    }
    if (loginTimedOut(e)) {
      return "SSH login timed out after " + format(loginTimeout) + " (the server answered, then stalled)";
    }
    if (e instanceof ConnectException) {
      if (lower.contains("refused")) {
        return "connection refused";
      }
      if (lower.contains("timed out")) {
        return "connection timed out";
      }
      return "cannot connect: " + text;
    }
    return "SSH handshake failed: " + text;
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
