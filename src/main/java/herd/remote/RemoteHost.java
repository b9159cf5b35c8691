package herd.remote;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A host as a push drives it: logged in to ({@link RemoteSession}), or, in tests, standing in for one within this
 * process, so that what a push does with its hosts (slots, retries, time limits, interruption) is tested without SSH.
 */
public interface RemoteHost extends AutoCloseable {
  /** The user logged in as. */
  String user();

  /** This machine's address of the connection: where the host reaches this machine. */
  InetAddress localAddress();

  /** Whether the host is reached through a bastion, and so may not reach this machine at all. */
  boolean tunneled();

  /** The host's own address, as it sees it (for a host behind a bastion). */
  InetAddress ownAddress() throws RemoteException;

  /** Forwards a port on the host's loopback to {@code target} here; returns the host's end. */
  InetSocketAddress forwardHere(InetSocketAddress target) throws RemoteException;

  /** The path of a Java 17+ on the host. */
  String javaPath() throws RemoteException;

  /** Makes sure the peer program {@code jar} is cached, checked, in {@code remoteDir} on the host. */
  PeerJar ensureJar(byte[] jar, String remoteDir) throws RemoteException;

  /** Starts {@code command} in a shell on the host. */
  RemoteProcess start(String command) throws RemoteException;

  /** Disconnects; safe to call again, and from several threads at once. */
  @Override
  void close();
}
