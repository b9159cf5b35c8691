package herd.swarm;

import java.io.IOException;

/**
 * What a torrent does to one connected peer. {@link PeerChannel} implements it over a Netty channel; tests implement
 * it with recorders, to drive a {@link Torrent} without sockets.
 */
interface PeerLink {
  /** Queues a message; it goes out with the next {@link #flush}. */
  void send(Message message);

  /**
   * Queues a block of the content as a piece message, read from the torrent's store; it counts in the torrent's
   * {@linkplain Torrent#uploadedBytes upload} once written to the connection.
   */
  void sendBlock(Block block) throws IOException;

  void flush();

  /** Hangs up; the connection then reports {@link Peer#gone}. */
  void close();

  /** Where the peer is, for log lines. */
  String describe();
}
