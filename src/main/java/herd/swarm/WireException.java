package herd.swarm;

/** A peer broke the wire protocol; the connection to it is closed. */
public final class WireException extends RuntimeException {
  public WireException(String message) {
    super(message);
  }
}
