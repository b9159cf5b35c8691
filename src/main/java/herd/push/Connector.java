package herd.push;

import herd.hosts.HostSpec;
import herd.remote.Bastions;
import herd.remote.RemoteException;
import herd.remote.RemoteHost;

/** How a push reaches its hosts: over SSH, through bastions as the request and ssh config say; in tests, in-process. */
interface Connector extends AutoCloseable {
  /** Logs in to {@code host}, for the {@code attempt}th time (from 1). */
  RemoteHost connect(HostSpec host, int attempt) throws RemoteException, InterruptedException;

  /** Drops what connections to hosts shared (bastion logins). */
  @Override
  void close();

  /** Over SSH, as {@code request} says. */
  static Connector ssh(PushRequest request) {
    Bastions bastions = new Bastions(request.ssh());
    return new Connector() {
      @Override
      public RemoteHost connect(HostSpec host, int attempt) throws RemoteException, InterruptedException {
        return bastions.connect(host, request.jump(), request.ssh(), attempt);
      }

      @Override
      public void close() {
        bastions.close();
      }
    };
  }
}
