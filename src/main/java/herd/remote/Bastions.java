package herd.remote;

import herd.hosts.HostSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The logged-in connections to bastions (jump hosts, as OpenSSH's {@code ProxyJump}) of one push, shared by every
 * host behind them: one per chain of bastions, so a bastion sees one login however many hosts it leads to (its
 * sshd's {@code MaxStartups} never throttles a push), and each host's SSH connection is a channel on it. For the
 * chain {@code A,B}, herd logs in to A, then to B through a channel on A, then to the host through a channel on B.
 *
 * <p>A host's chain is {@code -J} if given, else its ProxyJump in the ssh config ({@code ssh -G}). Bastions are
 * resolved with the ssh config too (their HostName, User, Port, keys), with herd's {@code -i} and {@code
 * --known-hosts} over it, except that {@code -l} names the hosts' user only: a bastion without a user in its entry or
 * its config logs in as the local user, as with {@code ssh -J}. A bastion's own ProxyJump is not followed: the chain
 * is the whole path.
 *
 * <p>A bastion that fails fails every host behind it, with the bastion named in the reason. That failure is kept for
 * the push: hosts that come later fail at once rather than each trying again; a host's retry (a later {@code attempt})
 * tries a bastion again if it failed for a transient reason. A lost bastion connection is made anew for the next host. Safe for use from several
 * threads; {@link #close()} closes every bastion connection.
 */
public final class Bastions implements AutoCloseable {
  private final SshOptions opts;
  /** By chain (a prefix of some host's chain), in the order they were first asked for. */
  private final Map<List<HostSpec>, Link> links = new LinkedHashMap<>();
  private boolean closed;

  public Bastions(SshOptions opts) {
    this.opts = opts.withDefaultUser(null);
  }

  /** One try at connecting to the last bastion of a chain. */
  private record Link(int attempt, CompletableFuture<RemoteSession> session) {}

  /**
   * Connects to {@code host} through {@code jumps}, the bastions in order, or when there are none through its
   * ProxyJump, or directly. {@code attempt} counts this host's tries, from 1.
   */
  public RemoteSession connect(HostSpec host, List<HostSpec> jumps, SshOptions hostOpts, int attempt)
      throws RemoteException, InterruptedException {
    ResolvedHost target = SshConfig.resolve(host, hostOpts);
    List<HostSpec> chain = jumps.isEmpty() ? target.proxyJump() : List.copyOf(jumps);
    RemoteSession via = chain.isEmpty() ? null : bastion(chain, attempt);
    return RemoteSession.connect(host, target, via, KeyFiles.SHARED, SshOptions.LOGIN_TIMEOUT);
  }

  /** The session on the last bastion of {@code chain}, connecting it (and those before it) first if need be. */
  private RemoteSession bastion(List<HostSpec> chain, int attempt) throws RemoteException, InterruptedException {
    Link link;
    boolean mine = false;
    synchronized (this) {
      if (closed) throw new RemoteException(RemoteException.Kind.DISCONNECTED, "the push is over");
      link = links.get(chain);
      if (link == null || stale(link, attempt)) {
        link = new Link(attempt, new CompletableFuture<>());
        links.put(chain, link);
        mine = true;
      }
    }
    if (mine) open(chain, link);
    try {
      return link.session().get();
    } catch (ExecutionException e) {
      throw (RemoteException) e.getCause();
    }
  }

  private void open(List<HostSpec> chain, Link link) throws InterruptedException {
    HostSpec last = chain.get(chain.size() - 1);
    try {
      RemoteSession via = chain.size() == 1 ? null : bastion(chain.subList(0, chain.size() - 1), link.attempt());
      RemoteSession session;
      try {
        ResolvedHost target = SshConfig.resolve(last, opts);
        session = RemoteSession.connect(last, target, via, KeyFiles.SHARED, SshOptions.LOGIN_TIMEOUT);
      } catch (RemoteException e) {
        throw new RemoteException(e.kind(), "bastion " + last + ": " + e.getMessage(), e);
      }
      synchronized (this) {
        if (closed) session.close();
      }
      link.session().complete(session);
    } catch (RemoteException e) {
      link.session().completeExceptionally(e);
    } catch (InterruptedException e) {
      link.session().completeExceptionally(
          new RemoteException(RemoteException.Kind.LOCAL, "bastion " + last + ": interrupted", e));
      throw e;
    } catch (RuntimeException e) {
      link.session().completeExceptionally(
          new RemoteException(RemoteException.Kind.LOCAL, "bastion " + last + ": " + e, e));
      throw e;
    }
  }

  /**
   * Whether a host's try should connect anew rather than take {@code link}: its connection was lost, or it failed for
   * a transient reason and this is a retry that came after the try that made it.
   */
  private static boolean stale(Link link, int attempt) {
    if (!link.session().isDone()) return false;
    try {
      return !link.session().join().connected();
    } catch (CompletionException e) {
      return ((RemoteException) e.getCause()).retryable() && attempt > link.attempt();
    }
  }

  /** Closes every bastion connection, the last ones of each chain first; hosts still connected through them drop. */
  @Override
  public void close() {
    List<Link> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(links.values());
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).session().thenAccept(RemoteSession::close);
    }
  }
}
