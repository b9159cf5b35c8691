package herd.push;

import herd.remote.RemoteHost;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A host within this process, logged in as {@code test}, that reaches this machine on the loopback address. */
abstract class LoopbackHost implements RemoteHost {
  @Override
  public String user() {
    return "test";
  }

  @Override
  public InetAddress localAddress() {
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public boolean tunneled() {
    return false;
  }

  @Override
  public InetAddress ownAddress() {
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public InetSocketAddress forwardHere(InetSocketAddress target) {
    return target;
  }

  @Override
  public String javaPath() {
    return "java";
  }
}
