package herd.remote;

import com.hierynomus.sshj.key.KeyAlgorithm;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.Deque;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

/**
 * The {@code publickey} method with a key held by ssh-agent, as sshj's {@code AuthPublickey} does it with a key file:
 * first a request without signature, and once the server answers that it would take the key (PK_OK), the same request
 * signed, here by the agent. An RSA key is offered as rsa-sha2-512, then rsa-sha2-256 (the agent is asked for that
 * hash), then ssh-rsa: the order of sshj's key algorithms.
 */
final class AgentAuth extends AbstractAuthMethod {
  private final SshAgent agent;
  private final SshAgent.Identity identity;
  private final KeyType type;
  private Deque<KeyAlgorithm> algorithms;

  AgentAuth(SshAgent agent, SshAgent.Identity identity, PublicKey key) {
    super("publickey");
    this.agent = agent;
    this.identity = identity;
    this.type = KeyType.fromKey(key);
  }

  @Override
  protected SSHPacket buildReq() throws UserAuthException {
    return request(false);
  }

  @Override
  public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
    if (cmd != Message.USERAUTH_60) {
      super.handle(cmd, buf);
      return;
    }
    SSHPacket signed = request(true);
    byte[] data = new Buffer.PlainBuffer().putString(params.getTransport().getSessionID()).putBuffer(signed)
        .getCompactData();
    String name = algorithm().getKeyAlgorithm();
    int flags = name.equals("rsa-sha2-512") ? SshAgent.RSA_SHA2_512
        : name.equals("rsa-sha2-256") ? SshAgent.RSA_SHA2_256 : 0;
    try {
      signed.putString(agent.sign(identity.blob(), data, flags));
    } catch (IOException e) {
      throw new UserAuthException(e.getMessage(), e);
    }
    params.getTransport().write(signed);
  }

  /** The next algorithm after the server refused this key under the current one. */
  @Override
  public boolean shouldRetry() {
    if (algorithms == null) return false;
    algorithms.poll();
    return !algorithms.isEmpty();
  }

  private SSHPacket request(boolean signed) throws UserAuthException {
    return super.buildReq().putBoolean(signed).putString(algorithm().getKeyAlgorithm()).putString(identity.blob());
  }

  private KeyAlgorithm algorithm() throws UserAuthException {
    try {
      if (algorithms == null) algorithms = new ArrayDeque<>(params.getTransport().getClientKeyAlgorithms(type));
    } catch (TransportException e) {
      throw new UserAuthException("no key algorithm for " + type, e);
    }
    if (algorithms.isEmpty()) throw new UserAuthException("no key algorithm for " + type);
    return algorithms.peek();
  }
}
