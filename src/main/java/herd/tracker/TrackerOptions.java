package herd.tracker;

import java.time.Duration;

/**
 * What a tracker answers.
 *
 * @param token only announces carrying it in a {@code token} parameter are answered; null admits anyone
 * @param seederPort when not 0, every reply for a torrent {@link Tracker#add added} to the tracker lists a seeder on
 *     this machine at that port first
 * @param interval how often clients are told to announce, whole seconds of at least 1; peers silent for three
 *     intervals are dropped
 * @param anyTorrent whether announces for torrents never added are answered too (a tracker open to anyone's
 *     torrents, like Murder's); else they get "unknown torrent"
 * @param connections the most connections a peer keeps: the tracker hands out peers so that no peer needs more
 * @param seederTerm how long a peer is listed the seeder before the seeder is listed to others; the seeder hangs up
 *     after as long
 */
public record TrackerOptions(
    byte[] token, int seederPort, Duration interval, boolean anyTorrent, int connections, Duration seederTerm) {
  public TrackerOptions {
    if (connections < 2) throw new IllegalArgumentException("a peer needs at least 2 connections");
    if (seederPort < 0 || seederPort > 65535) throw new IllegalArgumentException("bad seeder port " + seederPort);
    if (interval.toSeconds() < 1) throw new IllegalArgumentException("interval must be at least a second");
    token = token == null ? null : token.clone();
  }
}
