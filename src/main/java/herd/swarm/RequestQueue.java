package herd.swarm;

/**
 * How many requests one connection keeps in flight: enough for {@link #QUEUE_TIME_NANOS} of the rate at which the
 * peer has been delivering, as libtorrent's {@code request_queue_time} does, between {@link #MIN} and a cap. A fast
 * link gets a queue deep enough to stay busy; a slow one does not promise the peer the whole file, which would leave
 * the picker nothing to choose when other peers come to hold the same pieces, and keep those pieces from anyone else
 * for as long as the slow link takes. Pure arithmetic on the times it is given.
 */
final class RequestQueue {
  /** How long the requests in flight should take the peer to deliver. */
  static final long QUEUE_TIME_NANOS = 1_000_000_000L;
  /** Delivery is measured over spans at least this long. */
  static final long SPAN_NANOS = 250_000_000L;
  static final int MIN = 2;
  /** Before the first measurement: slow links cost little, fast ones are measured within a span. */
  static final int INITIAL = 4;

  private final int max;
  private int depth;
  /** Bytes a nanosecond, smoothed; negative until measured. */
  private double rate = -1;
  /** When the span being measured started; negative while nothing is in flight. */
  private long spanStart = -1;
  private long spanBytes;

  /** @param max the most requests in flight, however fast the peer delivers */
  RequestQueue(int max) {
    this.max = max;
    this.depth = Math.min(INITIAL, max);
  }

  int depth() {
    return depth;
  }

  /** Requests went out while none were in flight: the time until the next block is the peer's, so measure from now. */
  void started(long now) {
    if (spanStart < 0) {
      spanStart = now;
      spanBytes = 0;
    }
  }

  /** A block of {@code bytes} that was asked for arrived at {@code now}. */
  void received(int bytes, long now) {
    if (spanStart >= 0) {
      spanBytes += bytes;
      long span = now - spanStart;
      if (span >= SPAN_NANOS) {
        double measured = (double) spanBytes / span;
        rate = rate < 0 ? measured : (rate + measured) / 2;
        depth = (int) Math.max(MIN, Math.min(max, Math.ceil(rate * QUEUE_TIME_NANOS / Block.SIZE)));
        spanStart = now;
        spanBytes = 0;
      }
    }
  }

  /** Nothing is in flight any more: time with nothing asked of the peer says nothing of its rate. */
  void idle() {
    spanStart = -1;
  }
}
