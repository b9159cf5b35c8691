package herd.bencode;

/** Input that is not valid bencoding. */
public final class BencodeException extends RuntimeException {
  public BencodeException(String message) {
    super(message);
  }
}
