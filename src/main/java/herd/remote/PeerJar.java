package herd.remote;

/** The peer jar as cached on a host: its absolute remote path, and whether this call had to upload it. */
public record PeerJar(String path, boolean uploaded) {}
