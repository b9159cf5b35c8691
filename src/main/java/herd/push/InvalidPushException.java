package herd.push;

/** The request cannot be carried out as given; found before anything connects. */
public final class InvalidPushException extends Exception {
  public InvalidPushException(String message) {
    super(message);
  }
}
