package herd.tracker;

import java.net.InetAddress;

/** A peer as handed out to others. {@code id} is empty when unknown, as for the seeder, which never announces. */
record Peer(byte[] id, InetAddress address, int port) {}
