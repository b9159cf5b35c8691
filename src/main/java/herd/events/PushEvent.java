package herd.events;

import herd.hosts.HostSpec;
import java.time.Duration;
import java.util.List;

/**
 * What happens during a push, in order: one {@link RunStarted}; per host, any number of {@link HostFailed} with
 * {@code retrying}, then {@link HostConnected}, {@link PeerStarted}, {@link FirstPiece} and {@link HostProgress}
 * events (in a dry run, {@link HostChecked} instead of these three), and finally either {@link HostDone} or a
 * {@link HostFailed} without {@code retrying}; at last one {@link RunFinished}. Events of different hosts interleave
 * and arrive on different threads.
 */
public sealed interface PushEvent {
  /** {@code dryRun}: hosts are only checked ({@link HostChecked}); nothing is sent or written. */
  record RunStarted(String file, String dest, long bytes, int pieces, int hosts, boolean dryRun) implements PushEvent {}

  /** herd logged in to {@code host} as {@code user}, at its {@code attempt}th try. */
  record HostConnected(HostSpec host, String user, int attempt) implements PushEvent {}

  /** The peer program runs on {@code host}; {@code uploaded} says whether it had to be copied there first. */
  record PeerStarted(HostSpec host, boolean uploaded) implements PushEvent {}

  /**
   * A dry run's finding on {@code host}: the Java at {@code javaPath}, of version {@code java}, runs the peer as
   * {@code user}; the content would go to {@code target}, where {@code free} bytes are free for the {@code needed};
   * whether {@code user} may write there, and whether the content is there already. {@code problem} says why a push
   * would fail there, or is null.
   */
  record HostChecked(HostSpec host, String javaPath, String java, String user, String target, long free, long needed,
      boolean writable, boolean present, String problem) implements PushEvent {}

  /** The first piece fetched by {@code host} is verified there. */
  record FirstPiece(HostSpec host) implements PushEvent {}

  /**
   * {@code fetched} bytes of the content reached {@code host} over the swarm and are verified there; {@code present}
   * more were found verified in place, and were not sent.
   */
  record HostProgress(HostSpec host, long fetched, long present) implements PushEvent {}

  record HostDone(HostSpec host, String path) implements PushEvent {}

  /**
   * {@code host} failed for {@code reason}, of a {@code kind} that scripts can match: {@code unreachable},
   * {@code disconnected}, {@code host_key_unknown}, {@code host_key_changed}, {@code auth_failed}, {@code no_java},
   * {@code old_java}, {@code unsafe}, {@code command_failed}, {@code local} (herd.remote.RemoteException's kinds), or
   * {@code timeout} or {@code interrupted} when the run ended first. It is tried again when {@code retrying}.
   */
  record HostFailed(HostSpec host, String kind, String reason, boolean retrying) implements PushEvent {
    public static final String TIMEOUT = "timeout";
    public static final String INTERRUPTED = "interrupted";
  }

  /**
   * The run is over: of {@code hosts}, {@code done} have the content at {@code dest}, and {@code failures} lists the
   * others; this machine uploaded {@code sent} bytes of content to them.
   */
  record RunFinished(String dest, int hosts, int done, List<HostFailed> failures, long sent, Duration elapsed)
      implements PushEvent {}
}
