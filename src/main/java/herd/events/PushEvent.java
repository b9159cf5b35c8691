package herd.events;

import herd.hosts.HostSpec;
import java.time.Duration;

/**
 * What happens during a push, in order: one {@link RunStarted}; per host, any number of {@link HostFailed} with
 * {@code retrying}, then {@link PeerStarted}, {@link HostProgress} events, and finally either {@link HostDone} or a
 * {@link HostFailed} without {@code retrying}; at last one {@link RunFinished}. Events of different hosts
 * interleave and arrive on different threads.
 */
public sealed interface PushEvent {
  record RunStarted(String file, long bytes, int pieces, int hosts) implements PushEvent {}

  /** The peer program runs on {@code host}; {@code uploaded} says whether it had to be copied there first. */
  record PeerStarted(HostSpec host, boolean uploaded) implements PushEvent {}

  /** {@code bytes} of the file are verified on {@code host}. */
  record HostProgress(HostSpec host, long bytes) implements PushEvent {}

  record HostDone(HostSpec host, String path) implements PushEvent {}

  record HostFailed(HostSpec host, String reason, boolean retrying) implements PushEvent {}

  record RunFinished(int done, int failed, Duration elapsed) implements PushEvent {}
}
