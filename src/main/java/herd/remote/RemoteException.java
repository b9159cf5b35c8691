package herd.remote;

/** A failure talking to one host; the message is one human-readable line saying what happened. */
public final class RemoteException extends Exception {
  /** What went wrong, and whether trying the same host again later might help. */
  public enum Kind {
    /** DNS, refused, timed out, no route, or the SSH handshake broke. */
    UNREACHABLE(true),
    /** An established connection was lost. */
    DISCONNECTED(true),
    HOST_KEY_UNKNOWN(false),
    HOST_KEY_CHANGED(false),
    AUTH_FAILED(false),
    NO_JAVA(false),
    OLD_JAVA(false),
    /** A path herd would run from is one that another user on the host can write. */
    UNSAFE(false),
    /** A remote command exited non-zero or could not be run. */
    COMMAND_FAILED(true),
    /** A problem on this machine: an unreadable identity, an unusable known_hosts file. */
    LOCAL(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }

    /** The kind as herd's JSON events name it: {@code host_key_changed}. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Kind kind;

  public RemoteException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  RemoteException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public boolean retryable() {
    return kind.retryable();
  }
}
