package herd.remote;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key login as ssh does it: first the keys in ssh-agent (with IdentitiesOnly, only those matching an identity
 * file), then the identity files whose key the agent did not already offer. An encrypted identity file is unlocked only
 * once a server accepts its public key.
 */
final class Login implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Login.class);

  private record AgentKey(SshAgent.Identity identity, PublicKey key) {}

  private final ResolvedHost target;
  private final SshAgent agent;
  private final List<AgentKey> agentKeys;
  private final List<KeyFiles.KeyFile> files;

  private Login(ResolvedHost target, SshAgent agent, List<AgentKey> agentKeys, List<KeyFiles.KeyFile> files) {
    this.target = target;
    this.agent = agent;
    this.agentKeys = agentKeys;
    this.files = files;
  }

  /**
   * Lists the agent's keys and reads the identity files' public parts; fails with AUTH_FAILED when there is nothing to
   * offer. {@code loader} only reads key files.
   */
  static Login prepare(ResolvedHost target, KeyFiles keyFiles, SSHClient loader) throws RemoteException {
    List<KeyFiles.KeyFile> files = new ArrayList<>();
    for (Path identity : target.identities()) {
      try {
        files.add(keyFiles.get(identity, loader));
      } catch (IOException | RuntimeException e) {
        log.debug("skipping identity {}: {}", identity, e.toString());
      }
    }
    SshAgent agent = null;
    List<AgentKey> agentKeys = new ArrayList<>();
    if (target.agent() != null) {
      try {
        agent = SshAgent.connect(target.agent());
        for (SshAgent.Identity identity : agent.identities()) {
          if (target.identitiesOnly() && files.stream().noneMatch(f -> f.matches(identity.blob()))) continue;
          try {
            agentKeys.add(new AgentKey(identity, new Buffer.PlainBuffer(identity.blob()).readPublicKey()));
          } catch (IOException | RuntimeException e) {
            log.debug("skipping ssh-agent key {}: {}", identity.comment(), e.toString());
          }
        }
      } catch (IOException e) {
        log.debug("no ssh-agent: {}", e.getMessage());
        if (agent != null) RemoteSession.closeQuietly(agent);
        agent = null;
      }
    }
    if (agentKeys.isEmpty() && files.isEmpty()) {
      if (agent != null) RemoteSession.closeQuietly(agent);
      throw new RemoteException(RemoteException.Kind.AUTH_FAILED,
          "no SSH identity: no key in ssh-agent, and no identity file (" + (target.identities().isEmpty()
              ? "none of the IdentityFile ones exists)" : "none of " + target.identities() + " is readable)"));
    }
    return new Login(target, agent, agentKeys, files);
  }

  /**
   * Logs in as the target's user; fails with AUTH_FAILED naming what was tried, or, when an encrypted key the server
   * would take could not be unlocked, why. Throws IOException when the connection fails meanwhile.
   */
  void authenticate(SSHClient client) throws RemoteException, IOException {
    Set<ByteBuffer> offered = new HashSet<>();
    for (AgentKey key : agentKeys) {
      if (attempt(client, new AgentAuth(agent, key.identity(), key.key()), "ssh-agent key " + key.identity().comment())) {
        return;
      }
      offered.add(ByteBuffer.wrap(key.identity().blob()));
    }
    String why = null;
    List<String> tried = new ArrayList<>();
    for (KeyFiles.KeyFile file : files) {
      byte[] blob = file.offeredBlob();
      if (blob != null && offered.contains(ByteBuffer.wrap(blob))) continue;
      tried.add(file.path.toString());
      try {
        if (attempt(client, new AuthPublickey(file), file.path.toString())) return;
      } catch (KeyFiles.Locked locked) {
        String reason = file.unlock(client);
        if (reason == null) {
          if (attempt(client, new AuthPublickey(file), file.path.toString())) return;
        } else if (why == null) {
          why = reason;
        }
      }
    }
    if (why != null) throw new RemoteException(RemoteException.Kind.AUTH_FAILED, why);
    if (!agentKeys.isEmpty()) tried.add(0, agentKeys.size() + (agentKeys.size() == 1 ? " key" : " keys") + " from ssh-agent");
    throw new RemoteException(RemoteException.Kind.AUTH_FAILED,
        "authentication failed for " + target.user() + " (tried " + String.join(", ", tried) + ")");
  }

  /** True if the method logged in, false if the server refused it; {@link KeyFiles.Locked} if it needs a passphrase. */
  private boolean attempt(SSHClient client, AuthMethod method, String what) throws IOException {
    try {
      client.auth(target.user(), method);
      log.debug("logged in as {} with {}", target.user(), what);
      return true;
    } catch (UserAuthException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof KeyFiles.Locked locked) throw locked;
      }
      if (!client.isConnected() || ConnectFailures.loginTimedOut(e)) throw e;
      log.debug("{} refused: {}", what, e.getCause() != null ? e.getCause().toString() : e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    if (agent != null) RemoteSession.closeQuietly(agent);
  }
}
