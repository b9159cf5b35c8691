package herd.tracker;

/** An announce the tracker refuses; the message is sent back to the client as the {@code failure reason}. */
public final class AnnounceException extends Exception {
  public AnnounceException(String message) {
    super(message);
  }
}
