package herd.swarm;

import herd.metainfo.Hashing;
import herd.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * One torrent being shared: which pieces to fetch from whom, what to show whom while initially seeding, who sent a
 * corrupt piece, and the content digest. Its state lives on one executor (the swarm's event loop), where its peers'
 * events arrive; pieces are hashed on another and report back. It knows nothing of sockets: a {@link Swarm} routes
 * connections to it, and tests drive it through recording {@link PeerLink}s.
 */
public final class Torrent {
  private static final System.Logger LOG = System.getLogger(Torrent.class.getName());

  private final Metainfo meta;
  private final PieceStore store;
  private final byte[] peerId;
  private final SwarmOptions options;
  private final Executor loop;
  private final Executor hashers;
  private final BiConsumer<Torrent, InetSocketAddress> dialer;
  private final PiecePicker picker;
  private final List<Peer> peers = new ArrayList<>();
  private final Set<InetSocketAddress> dialed = new HashSet<>();
  /** Who sent blocks of each piece being fetched, to drop them if the piece fails its hash. */
  private final Map<Integer, Set<Peer>> contributors = new HashMap<>();
  /** The SHA-256 of each piece this torrent verified, for the content digest. */
  private final byte[][] pieceSha256;
  /** A seeder's turns ({@link UploadSlots}), or null for a torrent that serves every peer at once. */
  private final UploadSlots slots;
  /** Non-null while this seeder still holds pieces back: see {@link InitialSeeding}. */
  private InitialSeeding seeding;
  /** Peers that sent a corrupt piece; they are not let back in. */
  private final Set<ByteBuffer> banned = new HashSet<>();
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private final AtomicLong verifiedBytes = new AtomicLong();
  private final AtomicLong uploadedBytes = new AtomicLong();

  /**
   * @param have the pieces of {@code store} already verified
   * @param loop where every event is handled
   * @param hashers where received pieces are hashed
   * @param dialer connects to a peer for this torrent, whose connection then {@link #join}s
   */
  Torrent(PieceStore store, BitSet have, byte[] peerId, SwarmOptions options, Executor loop, Executor hashers,
      BiConsumer<Torrent, InetSocketAddress> dialer) {
    this.meta = store.metainfo();
    this.store = store;
    this.peerId = peerId;
    this.options = options;
    this.loop = loop;
    this.hashers = hashers;
    this.dialer = dialer;
    this.pieceSha256 = new byte[meta.pieceCount()][];
    this.picker = new PiecePicker(meta.pieceCount(), meta::pieceLength, new Random());
    for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) {
      picker.verified(i);
      verifiedBytes.addAndGet(meta.pieceLength(i));
    }
    if (picker.complete()) completion.complete(null);
    slots = options.seeding() == SwarmOptions.Seeding.EVERYTHING ? null
        : new UploadSlots(SwarmOptions.SEEDER_SLOTS, meta.pieceLength());
    if (options.seeding() != SwarmOptions.Seeding.EVERYTHING && picker.complete() && meta.pieceCount() > 0) {
      boolean sparing = options.seeding() == SwarmOptions.Seeding.SPARING;
      seeding = new InitialSeeding(meta.pieceCount(), InitialSeeding.window(meta, options), sparing, new Random());
    }
  }

  /**
   * Connects to a peer unless already dialed, or unless this torrent has every piece (those who lack pieces dial
   * it) or all its connections. Safe from any thread.
   */
  public void connect(InetSocketAddress address) {
    loop.execute(() -> {
      if (picker.complete() || peers.size() >= options.maxPeers() || !dialed.add(address)) return;
      dialer.accept(this, address);
    });
  }

  public Metainfo metainfo() {
    return meta;
  }

  public byte[] peerId() {
    return peerId.clone();
  }

  public long verifiedBytes() {
    return verifiedBytes.get();
  }

  public long uploadedBytes() {
    return uploadedBytes.get();
  }

  /**
   * The content digest ({@link herd.metainfo.Hashing}) of what is on disk; call once complete. Pieces this torrent
   * did not verify itself are read back for it, unless the store verified them as it copied them in
   * ({@link PieceStore#sha256}).
   */
  public byte[] contentDigest() {
    byte[][] digests = CompletableFuture.supplyAsync(pieceSha256::clone, loop).join();
    for (int i = 0; i < digests.length; i++) {
      if (digests[i] == null) digests[i] = store.sha256(i);
    }
    return Hashing.contentDigest(digests);
  }

  /** Completes when every piece is verified on disk. */
  public CompletableFuture<Void> completion() {
    return completion;
  }

  /** How many peers are connected now. */
  public int peerCount() {
    return CompletableFuture.supplyAsync(peers::size, loop).join();
  }

  // ---- events, on the loop ----

  /**
   * A dial failed, or a connection we dialed ended after the peer was admitted (a seeder hangs up after its term):
   * the address may be dialed again when a tracker names it next. A peer that turned us away at its handshake is not
   * dialed again.
   */
  void mayRedial(InetSocketAddress address) {
    dialed.remove(address);
  }

  /**
   * A connection finished its handshake. Refuses ourselves, a banned peer, and a second connection to the same peer:
   * of two connections between the same pair, both sides keep the one opened by the peer with the smaller id.
   * Returns the admitted peer, already told what we have, or null.
   */
  Peer join(PeerLink link, byte[] id, boolean outgoing) {
    if (Arrays.equals(id, peerId) || banned.contains(ByteBuffer.wrap(id))) return null;
    for (Peer other : peers) {
      if (Arrays.equals(other.id(), id)) {
        boolean keepNew = outgoing == (Arrays.compare(peerId, id) < 0);
        if (!keepNew) return null;
        other.link().close();
      }
    }
    if (peers.size() >= options.maxPeers()) return null;
    Peer peer = new Peer(this, link, id);
    peers.add(peer);
    peer.start();
    return peer;
  }

  /** A peer left, its availability already taken out of the picker's counts. */
  void unregister(Peer peer) {
    peers.remove(peer);
    if (slots != null) unchoke(slots.notInterested(peer, System.nanoTime()).unchoke());
    if (seeding == null) return;
    seeding.peerGone(peer);
    if (options.seeding() != SwarmOptions.Seeding.SPARING) return;
    // pieces that only it had are the seeder's to show again
    boolean lost = false;
    for (int i = peer.has().nextSetBit(0); i >= 0; i = peer.has().nextSetBit(i + 1)) {
      if (picker.availability(i) == 0) {
        seeding.lost(i);
        lost = true;
      }
    }
    if (!lost) return;
    for (Peer p : peers) {
      p.show(seeding.show(p, p.has()));
      p.link().flush();
    }
  }

  /** Hangs up on every peer and fails whoever still waits for completion. */
  void close() {
    for (Peer p : new ArrayList<>(peers)) p.link().close();
    completion.completeExceptionally(new IllegalStateException("torrent closed"));
  }

  /**
   * Whether a peer's term is over: half the connections this torrent may keep, or more, are taken, so others may be
   * waiting, and no piece is held back any more. While initial seeding holds pieces back, each peer is the only one
   * shown some of them: hung up on, those are shown again to others, and sent twice.
   */
  boolean rotates() {
    return peers.size() >= options.maxPeers() / 2 && (seeding == null || seeding.done());
  }

  PiecePicker picker() {
    return picker;
  }

  PieceStore store() {
    return store;
  }

  SwarmOptions options() {
    return options;
  }

  Handshake handshake() {
    return new Handshake(meta.infoHash(), peerId);
  }

  /** Whether we serve {@code peer}'s requests now. */
  boolean serves(Peer peer) {
    return slots == null || slots.unchoked(peer);
  }

  /** The peer said whether it wants what we have: a seeder queues it for a turn, or takes it out of the line. */
  void interested(Peer peer, boolean interested) {
    if (slots == null) return;
    long now = System.nanoTime();
    take(interested ? slots.interested(peer, now) : slots.notInterested(peer, now));
  }

  /** We queued {@code bytes} for {@code peer}. */
  void sent(Peer peer, int bytes) {
    if (slots != null) take(slots.sent(peer, bytes, System.nanoTime()));
  }

  private void take(UploadSlots.Turn turn) {
    if (turn.choke() instanceof Peer p) {
      p.link().send(new Message.Choke());
      p.link().flush();
    }
    unchoke(turn.unchoke());
  }

  private static void unchoke(Object peer) {
    if (peer instanceof Peer p) {
      p.link().send(new Message.Unchoke());
      p.link().flush();
    }
  }

  /** Content written to a peer's connection; from any thread. */
  void uploaded(int bytes) {
    uploadedBytes.addAndGet(bytes);
  }

  /** The initial (or sparing) seeding under way, or null once every piece is out (or for any other torrent). */
  InitialSeeding seeding() {
    return seeding;
  }

  /**
   * A peer reported pieces: under initial seeding, show it more, or everything to everyone once all are out; under
   * sparing seeding, only ever more.
   */
  void peerReported(Peer peer) {
    if (seeding == null) return;
    if (!seeding.done() || options.seeding() == SwarmOptions.Seeding.SPARING) {
      peer.show(seeding.show(peer, peer.has()));
      peer.link().flush();
      return;
    }
    InitialSeeding finished = seeding;
    seeding = null;
    for (Peer p : peers) {
      BitSet hidden = picker.haveSet();
      hidden.andNot(finished.shownTo(p));
      p.show(hidden.stream().boxed().toList());
      p.link().flush();
    }
  }

  void blockReceived(Peer from, Block b) {
    if (picker.endgame()) {
      for (Peer p : peers) if (p != from) p.cancel(b);
    }
    contributors.computeIfAbsent(b.piece(), k -> new HashSet<>()).add(from);
    if (picker.received(b)) {
      // the piece's senders leave the table now, so that a ban while it is hashed cannot reset it mid-check
      Set<Peer> senders = contributors.remove(b.piece());
      hashers.execute(() -> {
        try {
          byte[] sha256 = store.verify(b.piece());
          loop.execute(() -> pieceHashed(b.piece(), senders, sha256));
        } catch (RuntimeException e) {
          loop.execute(() -> fail(e));
        }
      });
    }
  }

  /** The local store failed (disk full, I/O error): this torrent cannot complete. */
  void fail(Throwable cause) {
    LOG.log(System.Logger.Level.WARNING, "cannot store the content: " + cause);
    completion.completeExceptionally(cause);
    for (Peer p : new ArrayList<>(peers)) p.link().close();
  }

  private void pieceHashed(int piece, Set<Peer> senders, byte[] sha256) {
    if (sha256 == null) {
      picker.failed(piece);
      if (senders.size() == 1) {
        Peer liar = senders.iterator().next();
        LOG.log(System.Logger.Level.WARNING, "piece " + piece + " from " + liar.link().describe()
            + " failed its hash; dropping that peer and fetching again");
        ban(liar);
      } else {
        LOG.log(System.Logger.Level.WARNING, "piece " + piece + " failed its hash; fetching it again");
      }
    } else {
      picker.verified(piece);
      pieceSha256[piece] = sha256;
      verifiedBytes.addAndGet(meta.pieceLength(piece));
      for (Peer p : peers) p.announceHave(piece);
      if (picker.complete()) completion.complete(null);
    }
    for (Peer p : peers) {
      p.fill();
      p.link().flush();
    }
  }

  /** Drops a peer that sent corrupt data, for good, with every piece still being fetched that it had a hand in. */
  private void ban(Peer liar) {
    banned.add(ByteBuffer.wrap(liar.id()));
    contributors.entrySet().removeIf(e -> {
      if (!e.getValue().contains(liar)) return false;
      picker.failed(e.getKey());
      return true;
    });
    liar.link().close();
  }
}
