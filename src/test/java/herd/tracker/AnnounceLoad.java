package herd.tracker;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator, run as a process of its own: {@code peers} simulated peers each announce {@code rounds} times,
 * over 64 keep-alive connections, each sending its next request as soon as the last is answered. A fixed amount of
 * work, so that the result does not depend on how busy the machine is. Prints {@code requests errors p50 p99 max}, the
 * latencies in microseconds.
 */
public final class AnnounceLoad {
  private AnnounceLoad() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    byte[] infoHash = HexFormat.of().parseHex(args[1]);
    int peers = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    int connections = 64;
    AtomicLong errors = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int first = c;
      int mineCount = (peers - first + connections - 1) / connections;
      long[] mine = new long[rounds * mineCount + 1];
      latencies.add(mine);
      Thread t = new Thread(() -> {
        int n = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.setTcpNoDelay(true);
          OutputStream out = s.getOutputStream();
          InputStream in = new BufferedInputStream(s.getInputStream());
          for (int k = 0; k < rounds * mineCount; k++) {
            int peer = first + (k % mineCount) * connections;
            long t0 = System.nanoTime();
            out.write(request(infoHash, peer).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (!readResponse(in)) errors.incrementAndGet();
            mine[n++] = (System.nanoTime() - t0) / 1000;
          }
        } catch (IOException e) {
          errors.incrementAndGet();
        }
        mine[mine.length - 1] = n;
      }, "load-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
    long[] all = latencies.stream().flatMapToLong(a -> Arrays.stream(a, 0, (int) a[a.length - 1])).sorted().toArray();
    System.out.println(all.length + " " + errors.get() + " " + all[all.length / 2] + " " + all[(int) (all.length * 0.99)]
        + " " + all[all.length - 1]);
  }

  private static String request(byte[] infoHash, int peer) {
    byte[] id = Arrays.copyOf("-LOAD00-".getBytes(StandardCharsets.US_ASCII), 20);
    for (int i = 0; i < 4; i++) id[16 + i] = (byte) (peer >> (8 * i));
    return "GET /announce?info_hash=" + escape(infoHash) + "&peer_id=" + escape(id) + "&port=" + (10000 + peer % 50000)
        + "&uploaded=0&downloaded=0&left=1000&compact=1&numwant=50 HTTP/1.1\r\nHost: t\r\n\r\n";
  }

  private static String escape(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append('%').append(String.format("%02X", x & 0xff));
    return sb.toString();
  }

  /** Reads one HTTP response; true if it was a 200 without a failure reason. */
  private static boolean readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) throw new IOException("closed");
      head.append((char) c);
    }
    String h = head.toString().toLowerCase();
    int at = h.indexOf("content-length:");
    int len = Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).trim());
    byte[] body = in.readNBytes(len);
    return h.startsWith("http/1.1 200") && !new String(body, StandardCharsets.ISO_8859_1).contains("failure reason");
  }
}
