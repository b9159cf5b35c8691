package herd.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A PNG of a bench case's per-host completion times: for each contender, how many hosts were done (y) by each
 * second since its start (x), a step line each; a dashed line at T_min. Drawn with the JDK's own 2D graphics,
 * headless.
 */
final class CompletionPlot {
  static final int WIDTH = 900;
  static final int HEIGHT = 500;
  /** Each contender's colour, the same in every plot; others (herd-first, herd-rerun) take the spare ones. */
  private static final Map<String, Color> COLOURS = Map.of("scp-to-one", new Color(0x7f7f7f), "herd", new Color(0x1f77b4),
      "herd-notls", new Color(0x17becf), "scp", new Color(0xd62728), "aria2c", new Color(0xff7f0e));
  private static final List<Color> SPARE = List.of(new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b));
  private static final Color GRID = new Color(0xe0e0e0);
  private static final int LEFT = 60;
  private static final int RIGHT = 190;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private CompletionPlot() {}

  /** Draws {@code runs}' completion times on {@code hosts} hosts into {@code png}; {@code tminMicros} may be null. */
  static void write(Path png, String title, int hosts, List<BenchReport.Run> runs, Double tminMicros) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double maxSeconds = runs.stream().flatMap(r -> r.hostSeconds().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
    if (tminMicros != null) maxSeconds = Math.max(maxSeconds, tminMicros / 1e6);
    double step = niceStep(maxSeconds / 8);
    double xMax = Math.ceil(maxSeconds / step) * step;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.BLACK);
      g.drawString(title + ": hosts done over time", LEFT, TOP - 22);
      g.drawString("seconds since start", LEFT + plotW / 2 - 50, HEIGHT - 12);
      g.drawString("hosts", 10, TOP - 6);
      // a grid line and a label at each tick of either axis, then the frame
      int yStep = Math.max(1, (int) niceStep(hosts / 8.0));
      for (double x = 0; x <= xMax + step / 2; x += step) {
        int px = LEFT + (int) Math.round(x / xMax * plotW);
        String label = String.format(Locale.ROOT, step >= 1 ? "%.0f" : "%.1f", x);
        g.setColor(GRID);
        g.drawLine(px, TOP, px, TOP + plotH);
        g.setColor(Color.BLACK);
        g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 16);
      }
      for (int y = 0; y <= hosts; y += yStep) {
        int py = TOP + plotH - (int) Math.round(y / (double) hosts * plotH);
        String label = Integer.toString(y);
        g.setColor(GRID);
        g.drawLine(LEFT, py, LEFT + plotW, py);
        g.setColor(Color.BLACK);
        g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 4);
      }
      g.drawRect(LEFT, TOP, plotW, plotH);
      if (tminMicros != null) {
        int px = LEFT + (int) Math.round(tminMicros / 1e6 / xMax * plotW);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
        g.drawLine(px, TOP, px, TOP + plotH);
        g.drawString("T_min", px + 3, TOP + 14);
      }
      // one step line per contender, and the legend
      g.setStroke(new BasicStroke(2.5f));
      for (int i = 0; i < runs.size(); i++) {
        BenchReport.Run r = runs.get(i);
        Color colour = colour(r.name(), i);
        g.setColor(colour);
        int px = LEFT;
        int py = TOP + plotH;
        List<Double> done = r.hostSeconds();
        for (int k = 0; k < done.size(); k++) {
          int nx = LEFT + (int) Math.round(done.get(k) / xMax * plotW);
          int ny = TOP + plotH - (int) Math.round((k + 1) / (double) hosts * plotH);
          g.drawLine(px, py, nx, py);
          g.drawLine(nx, py, nx, ny);
          px = nx;
          py = ny;
        }
        int ly = TOP + 10 + 20 * i;
        g.fillRect(WIDTH - RIGHT + 15, ly - 8, 20, 8);
        g.setColor(Color.BLACK);
        g.drawString(r.name() + " (" + done.size() + ")", WIDTH - RIGHT + 42, ly);
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", png.toFile())) throw new IOException("no PNG writer");
  }

  /** The colour of contender {@code name}, the {@code i}th drawn. */
  static Color colour(String name, int i) {
    return COLOURS.getOrDefault(name, SPARE.get(i % SPARE.size()));
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    if (raw <= 0) return 1;
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= raw) return m * power;
    }
    return 10 * power;
  }
}
