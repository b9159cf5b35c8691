package herd.push;

import herd.swarm.Admission;
import herd.swarm.PieceStore;
import herd.swarm.Swarm;
import herd.swarm.SwarmOptions;
import herd.swarm.Torrent;
import herd.tracker.Pages;
import herd.tracker.Tracker;
import herd.tracker.TrackerOptions;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The run's tracker and seeder, listening only where hosts reach this machine: on each local address that a host's
 * SSH connection came in on, bound when the first such host needs it, at the same two ports on every address (the
 * tracker hands out the seeder at the address an announce came in on). With a fixed {@code bind} address (herd's
 * {@code --bind}), on that address alone, and on loopback when hosts behind bastions need it for their reverse
 * forwards. Thread-safe.
 */
final class Endpoints implements AutoCloseable {
  private final EventLoopGroup group;
  private final PieceStore store;
  private final Admission admission;
  private final byte[] trackerToken;
  private final Duration announceInterval;
  private final PortRange ports;
  private final InetAddress bind;
  private final Set<InetAddress> bound = new HashSet<>();
  private Swarm seeder;
  private Torrent seeding;
  private final long rateLimit;
  private Tracker tracker;
  private boolean closed;

  /** {@code rateLimit}: the most bytes a second the seeder uploads, 0 for no limit. */
  Endpoints(EventLoopGroup group, PieceStore store, Admission admission, byte[] trackerToken, Duration announceInterval,
      PortRange ports, InetAddress bind, long rateLimit) {
    this.rateLimit = rateLimit;
    this.group = group;
    this.store = store;
    this.admission = admission;
    this.trackerToken = trackerToken;
    this.announceInterval = announceInterval;
    this.ports = ports;
    this.bind = bind;
  }

  /**
   * Makes sure the tracker and the seeder listen where a host that reached this machine at {@code local} can reach
   * them, and returns the tracker's port. A port taken on that address fails with {@link BindException}.
   */
  synchronized int listenFor(InetAddress local) throws IOException {
    return listenOn(bind != null ? bind : local);
  }

  private int listenOn(InetAddress address) throws IOException {
    if (closed) throw new IOException("the run is over");
    if (seeder == null) {
      start(address);
    } else if (!bound.contains(address)) {
      seeder.listenAlso(new InetSocketAddress(address, seeder.port()));
      tracker.listenAlso(new InetSocketAddress(address, tracker.port()));
    }
    bound.add(address);
    return tracker.port();
  }

  /** The host part of the tracker's URL for a host that reached this machine at {@code local}. */
  String urlHost(InetAddress local) {
    return urlText(bind != null && !bind.isAnyLocalAddress() ? bind : local);
  }

  /** An address as a URL's host part. */
  static String urlText(InetAddress address) {
    String text = address.getHostAddress().replace("%", "%25");
    return address instanceof Inet6Address ? "[" + text + "]" : text;
  }

  /** The tracker's and the seeder's addresses on this machine. */
  record Here(InetSocketAddress tracker, InetSocketAddress seeder) {}

  /**
   * Makes sure the tracker and the seeder listen on the loopback address, where the connections that hosts' reverse
   * forwards carry arrive (whatever {@code bind} says: only this machine reaches it), and returns where to connect.
   */
  synchronized Here forForwards() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    int trackerPort = listenOn(bind != null && bind.isAnyLocalAddress() ? bind : loopback);
    return new Here(new InetSocketAddress(loopback, trackerPort), new InetSocketAddress(loopback, seeder.port()));
  }

  /** The bytes of content the seeder uploaded so far: none while no host needed it. */
  synchronized long uploaded() {
    return seeding == null ? 0 : seeding.uploadedBytes();
  }

  /** The seeder and the tracker on the first free ports of the range. */
  private void start(InetAddress address) throws IOException {
    int next = ports.low();
    BitSet all = new BitSet();
    all.set(0, store.metainfo().pieceCount());
    while (seeder == null) {
      int port = claim(next++);
      try {
        seeder = Swarm.start(group, admission, new InetSocketAddress(address, port), rateLimit);
      } catch (BindException e) {
        if (ports.low() == 0) throw e;
      }
    }
    try {
      seeding = seeder.add(store, all, SwarmOptions.seeder(SwarmOptions.Seeding.INITIAL));
      while (tracker == null) {
        int port = claim(next++);
        try {
          tracker = Tracker.start(group, new InetSocketAddress(address, port),
              new TrackerOptions(trackerToken, seeder.port(), announceInterval, false, SwarmOptions.CONNECTIONS,
                  SwarmOptions.SEEDER_TERM), Pages.NONE);
          tracker.add(store.metainfo().infoHash());
        } catch (BindException e) {
          if (ports.low() == 0) throw e;
        }
      }
    } catch (IOException | RuntimeException e) {
      seeder.close();
      seeder = null;
      seeding = null;
      throw e;
    }
  }

  private int claim(int port) throws BindException {
    if (ports.low() == 0) return 0;
    if (port > ports.high()) throw new BindException("no free port in " + ports);
    return port;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (seeder != null) seeder.close();
    if (tracker != null) tracker.close();
  }
}
