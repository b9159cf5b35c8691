package herd.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/** Turns what connecting threw into a one-line {@link RemoteException.Kind#UNREACHABLE} message. */
final class ConnectFailures {
  private ConnectFailures() {}

  static RemoteException unreachable(IOException e, Duration timeout) {
    return new RemoteException(RemoteException.Kind.UNREACHABLE, message(e, timeout), e);
  }

  private static String message(IOException e, Duration timeout) {
    String text = String.valueOf(e.getMessage());
    String lower = text.toLowerCase(Locale.ROOT);
    if (e instanceof UnknownHostException) {
      return "host name not found";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out after " + format(timeout);
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

  static String format(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
