package herd.peer;

/**
 * The lines a peer writes on stdout for herd, one event per line: {@code progress BYTES}, {@code done PATH},
 * {@code fail REASON}. Anything else a peer prints there is logged by herd and otherwise ignored.
 */
public final class Report {
  public static final String PROGRESS = "progress";
  public static final String DONE = "done";
  public static final String FAIL = "fail";

  private Report() {}
}
