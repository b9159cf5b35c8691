package herd;

import herd.events.PushListener;
import herd.hosts.HostList;
import herd.hosts.HostListException;
import herd.push.InvalidPushException;
import herd.push.Push;
import herd.push.PushRequest;
import herd.push.PushResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * herd from Java: push a file and get every host's outcome back. Never exits the JVM and prints nothing;
 * follow progress with a {@link PushListener}.
 *
 * <pre>{@code
 * PushResult r = Herd.push(Path.of("app.tar.gz"), "/srv/app.tar.gz", "web1,web2,web3");
 * r.failed().forEach(h -> log.warn("{}: {}", h.host(), h.detail()));
 * }</pre>
 */
public final class Herd {
  private Herd() {}

  /** Pushes {@code file} to {@code dest} on the comma-separated {@code hostlist}, with every option at its default. */
  public static PushResult push(Path file, String dest, String hostlist)
      throws InvalidPushException, IOException, InterruptedException {
    try {
      return push(PushRequest.of(file, dest, HostList.parseList(hostlist)), event -> {});
    } catch (HostListException e) {
      throw new InvalidPushException(e.getMessage());
    }
  }

  /**
   * Runs {@code request}, reporting to {@code listener}.
   *
   * @throws InvalidPushException if the request is bad; nothing was sent
   * @throws IOException if herd itself could not run, e.g. could not read the file or listen on a port
   */
  public static PushResult push(PushRequest request, PushListener listener)
      throws InvalidPushException, IOException, InterruptedException {
    return Push.run(request, listener);
  }
}
