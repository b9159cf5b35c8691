package herd.remote;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A client of ssh-agent over its Unix-domain socket, speaking the agent protocol (draft-miller-ssh-agent): list the
 * keys, and sign with one. The agent keeps the private keys; herd only ever sees public keys and signatures. Calls are
 * synchronized: one connection may serve several threads.
 */
final class SshAgent implements Closeable {
  private static final int FAILURE = 5;
  private static final int REQUEST_IDENTITIES = 11;
  private static final int IDENTITIES_ANSWER = 12;
  private static final int SIGN_REQUEST = 13;
  private static final int SIGN_RESPONSE = 14;
  /** Sign-request flags that pick the hash of an RSA signature (ssh-rsa's SHA-1 otherwise). */
  static final int RSA_SHA2_256 = 2;
  static final int RSA_SHA2_512 = 4;
  /** Larger replies are not an agent's. */
  private static final int MAX_MESSAGE = 256 * 1024;

  /** A key the agent holds: its public key blob as SSH encodes it, and the agent's comment for it. */
  record Identity(byte[] blob, String comment) {}

  private final Path socket;
  private final SocketChannel channel;

  private SshAgent(Path socket, SocketChannel channel) {
    this.socket = socket;
    this.channel = channel;
  }

  static SshAgent connect(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot reach ssh-agent at " + socket + ": " + e.getMessage(), e);
    }
    return new SshAgent(socket, channel);
  }

  /** The keys the agent holds, in its order. */
  synchronized List<Identity> identities() throws IOException {
    ByteBuffer reply = call(ByteBuffer.wrap(new byte[] {REQUEST_IDENTITIES}));
    expect(reply, IDENTITIES_ANSWER, "listing keys");
    int count = reply.getInt();
    List<Identity> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] blob = string(reply);
      keys.add(new Identity(blob, new String(string(reply), StandardCharsets.UTF_8)));
    }
    return keys;
  }

  /**
   * Signs {@code data} with the key whose public blob is {@code blob}; returns the signature as SSH encodes it
   * (algorithm name and signature bytes), ready to go into a USERAUTH_REQUEST.
   */
  synchronized byte[] sign(byte[] blob, byte[] data, int flags) throws IOException {
    ByteBuffer request = ByteBuffer.allocate(1 + 4 + blob.length + 4 + data.length + 4);
    request.put((byte) SIGN_REQUEST).putInt(blob.length).put(blob).putInt(data.length).put(data).putInt(flags).flip();
    ByteBuffer reply = call(request);
    expect(reply, SIGN_RESPONSE, "signing");
    return string(reply);
  }

  /** Sends one message (its length is added here) and reads the reply, without its length. */
  private ByteBuffer call(ByteBuffer message) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(4).putInt(0, message.remaining());
    ByteBuffer[] out = {length, message};
    while (message.hasRemaining()) channel.write(out);
    ByteBuffer header = ByteBuffer.allocate(4);
    readFully(header);
    int size = header.getInt(0);
    if (size < 1 || size > MAX_MESSAGE) throw new IOException("ssh-agent at " + socket + " sent a message of " + size + " bytes");
    ByteBuffer reply = ByteBuffer.allocate(size);
    readFully(reply);
    return reply.flip();
  }

  private void readFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) throw new IOException("ssh-agent at " + socket + " closed the connection");
    }
  }

  private void expect(ByteBuffer reply, int type, String what) throws IOException {
    int got = reply.get();
    if (got == FAILURE) throw new IOException("ssh-agent at " + socket + " refused " + what);
    if (got != type) throw new IOException("ssh-agent at " + socket + " answered " + what + " with message " + got);
  }

  private byte[] string(ByteBuffer buffer) throws IOException {
    if (buffer.remaining() < 4) throw new IOException("truncated message from ssh-agent at " + socket);
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) throw new IOException("truncated message from ssh-agent at " + socket);
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
