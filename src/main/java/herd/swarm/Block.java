package herd.swarm;

/** A request-sized part of a piece. */
public record Block(int piece, int begin, int length) {
  /** The request size every client accepts. */
  public static final int SIZE = 16 * 1024;

  int index() {
    return begin / SIZE;
  }
}
