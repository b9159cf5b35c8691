package herd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The measuring half of {@code scripts/bench}: the script brings up the lab and runs each contender, and leaves in
 * the case's log directory what it saw; this reads it, and prints the case's table (also appended to
 * {@code bench.md}), its rows of {@code bench.csv} and a plot of per-host completion times ({@code CASE.png}).
 *
 * <p>Per contender {@code C}, in the order run: {@code C.run}, properties written by the script ({@code start_us},
 * {@code wall_us}, {@code cpu_s} and {@code rss_mb} of the sampled peer, {@code rx_bytes} to the hosts and
 * {@code ctl_bytes} from the controller, {@code note}, and for aria2c {@code piece_kib}); and the hosts' completion
 * times: herd's own {@code --json} events in {@code C.jsonl}, or for the others {@code C.done}, one epoch
 * microsecond per host done.
 *
 * <p>Usage: {@code BenchReport CASE HOSTS MIB RATE LOGS OUT C...}; RATE is empty for unshaped links, OUT the
 * results directory (bench.md, bench.csv, CASE.png).
 */
public final class BenchReport {
  static final String CSV_HEADER =
      "case,contender,hosts,size_mib,wall_s,ratio_tmin,min_s,median_s,max_s,cpu_s,rss_mb,throughput_mbs";

  /** What one contender did: wall time, each done host's seconds from the start, and the script's figures. */
  record Run(String name, long wallMicros, List<Double> hostSeconds, String cpu, String rss, long rxBytes,
      long ctlBytes, String note, Double firstPieceEverywhere, Integer pieces, String pieceKib) {}

  record Case(String name, int hosts, int mib, String rate) {
    long bytes() {
      return mib * 1_048_576L;
    }

    boolean unshaped() {
      return name.equals("unshaped");
    }
  }

  private BenchReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 7) throw new IllegalArgumentException("usage: BenchReport CASE HOSTS MIB RATE LOGS OUT C...");
    Case c = new Case(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3]);
    Path logs = Path.of(args[4]);
    Path out = Path.of(args[5]);
    List<Run> runs = new ArrayList<>();
    for (String name : Arrays.asList(args).subList(6, args.length)) runs.add(read(logs, name, c.hosts()));
    Path plot = out.resolve(c.name() + ".png");
    CompletionPlot.write(plot, title(c), c.hosts(), runs, tmin(runs));
    String table = table(c, runs, logs, plot);
    // UTF-8 whatever the locale (the script runs with LC_ALL=C): the table has ×, · and —
    PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    stdout.print(table);
    stdout.flush();
    Files.writeString(out.resolve("bench.md"), table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    Path csv = out.resolve("bench.csv");
    if (!Files.exists(csv)) Files.writeString(csv, CSV_HEADER + "\n");
    Files.writeString(csv, csv(c, runs), StandardOpenOption.APPEND);
  }

  /** Reads contender {@code name}'s files from {@code logs}. */
  static Run read(Path logs, String name, int hosts) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(logs.resolve(name + ".run"))) {
      p.load(r);
    }
    long start = Long.parseLong(p.getProperty("start_us"));
    List<String> notes = new ArrayList<>();
    if (!p.getProperty("note", "").isEmpty()) notes.add(p.getProperty("note"));
    List<Double> seconds = new ArrayList<>();
    Double firstPiece = null;
    Integer pieces = null;
    Path events = logs.resolve(name + ".jsonl");
    if (Files.exists(events)) {
      ObjectMapper json = new ObjectMapper();
      Map<String, Double> firsts = new HashMap<>(); // a host's first attempt's, should it retry
      for (String line : Files.readAllLines(events)) {
        if (line.isBlank()) continue;
        JsonNode e = json.readTree(line);
        double at = (micros(Instant.parse(e.get("time").asText())) - start) / 1e6;
        switch (e.get("event").asText()) {
          case "run_started" -> pieces = e.get("pieces").asInt();
          case "first_piece" -> firsts.putIfAbsent(e.get("host").asText(), at);
          case "host_done" -> seconds.add(at);
          case "run_finished" -> {
            for (JsonNode f : e.get("failures")) notes.add(f.get("host").asText() + ": " + f.get("kind").asText());
          }
          default -> {}
        }
      }
      if (firsts.size() == hosts) firstPiece = firsts.values().stream().max(Double::compare).orElseThrow();
    } else {
      for (String line : Files.readAllLines(logs.resolve(name + ".done"))) {
        if (!line.isBlank()) seconds.add((Long.parseLong(line.strip()) - start) / 1e6);
      }
    }
    int expected = name.equals("scp-to-one") ? 1 : hosts;
    if (seconds.size() != expected) notes.add(seconds.size() + " of " + expected + " hosts done");
    seconds.sort(Double::compare);
    return new Run(name, Long.parseLong(p.getProperty("wall_us", "0")), List.copyOf(seconds),
        p.getProperty("cpu_s", ""), p.getProperty("rss_mb", ""), Long.parseLong(p.getProperty("rx_bytes", "0")),
        Long.parseLong(p.getProperty("ctl_bytes", "0")), String.join(", ", notes), firstPiece, pieces,
        p.getProperty("piece_kib"));
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  /**
   * T_min in microseconds, {@code max(F/u_s, F/d_min, N·F/(u_s + N·u))} with {@code u_s = u = d_min} measured by
   * scp to one host: with those equal it is F/u, scp-to-one's own time. Null without that run.
   */
  static Double tmin(List<Run> runs) {
    return find(runs, "scp-to-one").map(r -> (double) r.wallMicros()).orElse(null);
  }

  /** The run of contender {@code name}, if it went well: a baseline to compare with. */
  private static Optional<Run> find(List<Run> runs, String name) {
    return runs.stream().filter(r -> r.name().equals(name) && r.wallMicros() > 0 && r.note().isEmpty()).findFirst();
  }

  static String title(Case c) {
    return c.name() + ": " + c.hosts() + " hosts, " + c.mib() + " MiB, " + (c.rate().isEmpty() ? "unshaped veth" : c.rate());
  }

  /** The case's markdown: heading, T_min, one row per contender, traffic, start-up, piece sizes, plot and logs. */
  static String table(Case c, List<Run> runs, Path logs, Path plot) {
    StringBuilder md = new StringBuilder("### " + title(c) + "\n\n");
    Double tmin = tmin(runs);
    Double aria2c = find(runs, "aria2c").map(r -> (double) r.wallMicros()).orElse(null);
    find(runs, "scp-to-one").ifPresent(one -> {
      double mbs = c.bytes() / (double) one.wallMicros();
      String u = fmt("%.1f MB/s (%.0f Mbit/s)", mbs, 8 * mbs);
      md.append(c.unshaped()
          ? "scp-to-one: " + seconds(one.wallMicros()) + " s, u = " + u + "; the target here is herd's total throughput ≥ aria2c's.\n\n"
          : "T_min = max(F/u_s, F/d_min, N·F/(u_s + N·u)) = " + seconds(tmin) + " s, with u_s = u = d_min = " + u
              + " from scp-to-one.\n\n");
    });
    md.append("| contender | wall s | ").append(c.unshaped() ? "× scp-to-one" : "× T_min")
        .append(" | × aria2c | per-host min/median/max s | peer CPU s | peer peak RSS MB |")
        .append(c.unshaped() ? " total MB/s |\n" : "\n")
        .append(c.unshaped() ? "|---|---:|---:|---:|---|---:|---:|---:|\n" : "|---|---:|---:|---:|---|---:|---:|\n");
    for (Run r : runs) {
      md.append("| ").append(r.name()).append(r.note().isEmpty() ? "" : " (" + r.note() + ")")
          .append(" | ").append(seconds(r.wallMicros()))
          .append(" | ").append(dash(ratio(r, tmin))).append(" | ").append(dash(ratio(r, aria2c)))
          .append(" | ").append(dash(Spread.of(r.hostSeconds()).map(Spread::toString).orElse("")))
          .append(" | ").append(dash(r.cpu())).append(" | ").append(dash(r.rss())).append(" |");
      if (c.unshaped()) md.append(' ').append(dash(throughput(c, r))).append(" |");
      md.append('\n');
    }
    md.append("\nTraffic (veth counters, MiB; N·F = ").append(c.hosts() * c.mib()).append("): ");
    for (Run r : runs) {
      md.append(fmt("%s %.1f to hosts, %.1f from the controller", r.name(), r.rxBytes() / 1048576.0, r.ctlBytes() / 1048576.0));
      if (r.rxBytes() > 0 && !r.name().equals("scp-to-one")) md.append(fmt(" (%.0f%%)", 100.0 * r.ctlBytes() / r.rxBytes()));
      if (r.name().contains("rerun")) {
        md.append(" — file data sent: ").append(r.rxBytes() > 0.05 * c.hosts() * c.bytes() ? "yes" : "no");
      }
      md.append("; ");
    }
    md.append('\n');
    for (Run r : runs) {
      if (r.firstPieceEverywhere() != null) {
        md.append(fmt("%s: from start-up to the first piece at every host: %.2f s.%n", r.name(), r.firstPieceEverywhere()));
      }
    }
    runs.stream().filter(r -> r.pieceKib() != null).findFirst().ifPresent(a -> md.append("aria2c piece size: ")
        .append(a.pieceKib()).append(" KiB; herd: ").append(runs.stream().map(Run::pieces).filter(p -> p != null)
            .findFirst().map(p -> p + " pieces").orElse("?")).append(".\n"));
    md.append("Per-host completion: ").append(plot).append('\n');
    md.append("Logs: ").append(logs).append("\n\n");
    return md.toString();
  }

  /** The case's rows of bench.csv. */
  static String csv(Case c, List<Run> runs) {
    Double tmin = tmin(runs);
    return runs.stream().map(r -> {
      Optional<Spread> spread = Spread.of(r.hostSeconds());
      return String.join(",", c.name(), r.name(), String.valueOf(c.hosts()), String.valueOf(c.mib()),
          r.wallMicros() > 0 ? seconds(r.wallMicros()) : "", ratio(r, tmin), spread.map(s -> fmt("%.2f", s.min())).orElse(""), spread.map(s -> fmt("%.2f", s.median())).orElse(""),
          spread.map(s -> fmt("%.2f", s.max())).orElse(""),
          r.cpu(), r.rss(), throughput(c, r)) + "\n";
    }).collect(Collectors.joining());
  }

  /** Min, median and max seconds of the done hosts. */
  record Spread(double min, double median, double max) {
    /** Of {@code sorted}, none if it is empty. */
    static Optional<Spread> of(List<Double> sorted) {
      if (sorted.isEmpty()) return Optional.empty();
      int n = sorted.size();
      double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return Optional.of(new Spread(sorted.get(0), median, sorted.get(n - 1)));
    }

    @Override
    public String toString() {
      return fmt("%.2f / %.2f / %.2f", min, median, max);
    }
  }

  /** MB/s (10^6 bytes) into the hosts that were done, together. */
  private static String throughput(Case c, Run r) {
    if (r.wallMicros() <= 0) return "";
    return fmt("%.2f", r.hostSeconds().size() * c.bytes() / (double) r.wallMicros());
  }

  private static String ratio(Run r, Double base) {
    return base == null || base <= 0 || r.wallMicros() <= 0 ? "" : fmt("%.2f", r.wallMicros() / base);
  }

  private static String seconds(double micros) {
    return fmt("%.2f", micros / 1e6);
  }

  private static String dash(String s) {
    return s.isEmpty() ? "—" : s;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
