package herd.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Standard BitTorrent clients nobody here wrote, run as processes; CI installs them (scripts/deps). */
final class Clients implements AutoCloseable {
  private final Path dir;
  private final List<Process> running = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  Clients(Path dir) {
    this.dir = dir;
  }

  /** aria2c fetching {@code torrent} (a file or a URL) into {@code saveDir}, peers only from the tracker, no seeding. */
  Process aria2c(Path saveDir, String torrent) throws IOException {
    return start("aria2c", List.of(binary("aria2c", "aria2"), "--no-conf=true", "--dir=" + saveDir,
        "--listen-port=" + freePort(), "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
        "--enable-peer-exchange=false", "--bt-tracker-interval=1", "--bt-stop-timeout=60", "--seed-time=0",
        "--allow-overwrite=true", "--auto-file-renaming=false", "--file-allocation=none", "--summary-interval=0",
        "--console-log-level=warn", torrent));
  }

  /**
   * transmission-cli fetching {@code torrent} (a file or a URL) into {@code saveDir}; it seeds on forever, so it
   * touches {@code finished} once the download is complete and verified. uTP is off: transmission tries a tracker's
   * peers over uTP first, and against a TCP-only peer such as herd it did not fall back to TCP within 90 s.
   */
  Process transmission(Path saveDir, String torrent, Path finished) throws IOException {
    Path script = Files.writeString(dir.resolve("transmission-done-" + running.size() + ".sh"),
        "#!/bin/sh\ntouch '" + finished + "'\n");
    script.toFile().setExecutable(true);
    Path config = Files.createDirectories(dir.resolve("transmission-config-" + running.size()));
    Files.writeString(config.resolve("settings.json"),
        "{\"utp-enabled\": false, \"dht-enabled\": false, \"lpd-enabled\": false, \"pex-enabled\": false, "
            + "\"port-forwarding-enabled\": false}\n");
    return start("transmission", List.of(binary("transmission-cli", "transmission-cli"), "-g", config.toString(),
        "-w", saveDir.toString(), "-p", String.valueOf(freePort()), "-et", "-f", script.toString(), torrent));
  }

  private Process start(String name, List<String> cmd) throws IOException {
    Path log = dir.resolve(name + "-" + running.size() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    running.add(p);
    logs.add(log);
    return p;
  }

  /** Everything the clients printed, for a failure's message. */
  String output() {
    StringBuilder sb = new StringBuilder();
    for (Path log : logs) {
      sb.append("--- ").append(log.getFileName()).append('\n');
      try {
        String text = Files.readString(log);
        sb.append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
      } catch (IOException e) {
        sb.append(e).append('\n');
      }
    }
    return sb.toString();
  }

  /** A program's path; fails (never skips) when it is missing, since CI installs it. */
  static String binary(String program, String debianPackage) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isExecutable(candidate)) return candidate.toString();
    }
    return fail(program + " is not on the PATH; install it with: apt-get install " + debianPackage);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void kill(Process p) throws InterruptedException {
    if (!p.isAlive()) return;
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : running) kill(p);
  }
}
