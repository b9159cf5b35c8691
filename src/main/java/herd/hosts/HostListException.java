package herd.hosts;

/** A malformed host entry; the message names the source, the line or list position, and what is wrong. */
public final class HostListException extends Exception {
  HostListException(String message) {
    super(message);
  }
}
