package herd.tracker;

/**
 * What a tracker's HTTP server answers besides {@code /announce}: {@code herd serve}'s {@code .torrent} files, say.
 * Called on the tracker's event loop, for GET requests only; must not block.
 */
public interface Pages {
  /** No other pages: everything else is 404. */
  Pages NONE = (path, query, host) -> null;

  /**
   * The page at {@code path}, or null for 404.
   *
   * @param query the raw (still percent-encoded) query string, or "" for none
   * @param host the request's Host header, or null
   */
  Page get(String path, String query, String host);

  /** A reply: {@code status} 200 for a page, 4xx with a line of text saying why. */
  record Page(int status, String contentType, byte[] body) {}
}
