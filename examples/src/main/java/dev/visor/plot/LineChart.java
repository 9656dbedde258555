package dev.visor.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A chart of lines and points with optional error bars, on numeric axes or with named categories
 * along x, rendered with Java2D (headless) and written as PNG; the legend sits under the plot so
 * long labels (mask specs) fit. Learning curves are lines; a final metric per configuration is a
 * point with its confidence interval as an error bar, seeds as small dots.
 *
 * <pre>{@code
 * LineChart c = new LineChart("held-out loss", List.of(), "step", "bits per character", null,
 *         List.of(LineChart.Series.line("window 8", LineChart.PALETTE[0], steps, bits)));
 * c.writePng(Path.of("curves.png"));
 * }</pre>
 */
public final class LineChart {
    /** Okabe and Ito's colour-blind-safe categorical colours. */
    public static final int[] PALETTE = {0x0072B2, 0xE69F00, 0x009E73, 0xD55E00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000};

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color INK = new Color(0x222222);
    private static final Color MUTED = new Color(0x555555);
    private static final Color GRID = new Color(0, 0, 0, 30);
    private static final int WIDTH = 820;
    private static final int PLOT_H = 360;
    private static final int LEFT = 78;
    private static final int RIGHT = 24;
    private static final int MARGIN = 16;

    /**
     * One series.
     *
     * @param label its legend label, or null to leave it out of the legend
     * @param rgb its colour {@code 0xRRGGBB}
     * @param x x values (category indices for a categorical chart)
     * @param y y values; NaN points are skipped
     * @param low lower error-bar ends, or null
     * @param high upper error-bar ends, or null
     * @param line whether to join the points
     * @param pointRadius the radius of point markers in pixels (0: none)
     * @param alpha opacity in (0, 1]
     * @param width line width in pixels
     */
    public record Series(String label, int rgb, double[] x, double[] y, double[] low, double[] high, boolean line,
                         double pointRadius, double alpha, float width) {
        /** Checks the lengths. */
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("x has " + x.length + " values but y has " + y.length);
            if ((low == null) != (high == null) || low != null && (low.length != x.length || high.length != x.length)) {
                throw new IllegalArgumentException("error bars need low and high with " + x.length + " values each");
            }
            if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in (0, 1] but is " + alpha);
        }

        /** @return a solid line */
        public static Series line(String label, int rgb, double[] x, double[] y) {
            return new Series(label, rgb, x, y, null, null, true, 0, 1, 2.2f);
        }

        /** @return this series drawn thin and translucent (individual seeds under a mean) */
        public Series faint() {
            return new Series(null, rgb, x, y, low, high, line, pointRadius * 0.6, 0.35, 1f);
        }

        /** @return points with error bars from {@code low} to {@code high} */
        public static Series points(String label, int rgb, double[] x, double[] y, double[] low, double[] high) {
            return new Series(label, rgb, x, y, low, high, false, 5, 1, 2f);
        }
    }

    private final String title;
    private final List<String> subtitle;
    private final String xLabel;
    private final String yLabel;
    private final List<String> categories;
    private final List<Series> series;

    /**
     * Describes a chart.
     *
     * @param title the title
     * @param subtitle lines under the title
     * @param xLabel the x axis title
     * @param yLabel the y axis title
     * @param categories names of the x positions 0, 1, ... for a categorical chart, or null for a numeric x axis
     * @param series the series, drawn in order
     */
    public LineChart(String title, List<String> subtitle, String xLabel, String yLabel, List<String> categories, List<Series> series) {
        this.title = Objects.requireNonNull(title, "title");
        this.subtitle = List.copyOf(subtitle);
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.categories = categories == null ? null : List.copyOf(categories);
        this.series = List.copyOf(series);
        if (series.isEmpty()) throw new IllegalArgumentException("a chart needs at least one series");
    }

    /** @return the rendered chart */
    public BufferedImage render() {
        List<Series> legend = series.stream().filter(s -> s.label() != null).toList();
        int head = MARGIN + 22 + 16 * subtitle.size() + 8;
        int xAxisH = categories == null ? 44 : 44 + 14 * maxLines();
        int legendH = 18 * legend.size() + (legend.isEmpty() ? 0 : 10);
        int height = head + PLOT_H + xAxisH + legendH + MARGIN;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(INK);
        g.setFont(TITLE);
        g.drawString(title, MARGIN, MARGIN + 16);
        g.setFont(TEXT);
        g.setColor(MUTED);
        for (int i = 0; i < subtitle.size(); i++) g.drawString(subtitle.get(i), MARGIN, MARGIN + 36 + 16 * i);

        double[] xr = range(true);
        double[] yr = range(false);
        int plotW = WIDTH - LEFT - RIGHT;
        Frame f = new Frame(LEFT, head, plotW, PLOT_H, xr, yr);
        // grid and ticks
        g.setFont(TICK);
        FontMetrics fm = g.getFontMetrics();
        for (double t : ticks(yr[0], yr[1])) {
            int py = (int) Math.round(f.py(t));
            g.setColor(GRID);
            g.drawLine(f.left, py, f.left + f.w, py);
            g.setColor(INK);
            String s = format(t);
            g.drawString(s, f.left - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        if (categories == null) {
            for (double t : ticks(xr[0], xr[1])) {
                int px = (int) Math.round(f.px(t));
                g.setColor(GRID);
                g.drawLine(px, f.top, px, f.top + f.h);
                g.setColor(INK);
                String s = format(t);
                g.drawString(s, px - fm.stringWidth(s) / 2, f.top + f.h + 16);
            }
        } else {
            for (int i = 0; i < categories.size(); i++) {
                int px = (int) Math.round(f.px(i));
                String[] lines = wrap(categories.get(i));
                for (int l = 0; l < lines.length; l++) {
                    g.drawString(lines[l], px - fm.stringWidth(lines[l]) / 2, f.top + f.h + 16 + 14 * l);
                }
            }
        }
        g.setColor(INK);
        g.drawRect(f.left, f.top, f.w, f.h);
        g.setFont(TEXT);
        fm = g.getFontMetrics();
        if (xLabel != null) g.drawString(xLabel, f.left + f.w / 2 - fm.stringWidth(xLabel) / 2, f.top + f.h + xAxisH - 8);
        if (yLabel != null) {
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel, -(f.top + f.h / 2) - fm.stringWidth(yLabel) / 2, MARGIN + 10);
            g.setTransform(saved);
        }
        // series
        java.awt.Shape clip = g.getClip();
        g.setClip(f.left, f.top, f.w + 1, f.h + 1);
        for (Series s : series) draw(g, f, s);
        g.setClip(clip);
        // legend
        int y = f.top + f.h + xAxisH + 10;
        for (Series s : legend) {
            g.setColor(new Color(s.rgb()));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(f.left, y + 6, f.left + 22, y + 6);
            g.setColor(INK);
            g.drawString(s.label(), f.left + 30, y + 11);
            y += 18;
        }
        g.dispose();
        return image;
    }

    /**
     * Renders and writes the chart as PNG, atomically.
     *
     * @param file the target file
     * @return the rendered image
     * @throws IOException if the file cannot be written; an existing file is then left as it was
     */
    public BufferedImage writePng(Path file) throws IOException {
        BufferedImage image = render();
        Figure.writePng(image, file);
        return image;
    }

    private void draw(Graphics2D g, Frame f, Series s) {
        Color c = new Color((s.rgb() >> 16) & 0xff, (s.rgb() >> 8) & 0xff, s.rgb() & 0xff, (int) Math.round(255 * s.alpha()));
        g.setColor(c);
        g.setStroke(new BasicStroke(s.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        if (s.line()) {
            Path2D.Double p = new Path2D.Double();
            boolean open = false;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    open = false;
                    continue;
                }
                if (open) p.lineTo(f.px(s.x()[i]), f.py(s.y()[i]));
                else p.moveTo(f.px(s.x()[i]), f.py(s.y()[i]));
                open = true;
            }
            g.draw(p);
        }
        for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.y()[i])) continue;
            double px = f.px(s.x()[i]);
            if (s.low() != null && Double.isFinite(s.low()[i]) && Double.isFinite(s.high()[i])) {
                double lo = f.py(s.low()[i]);
                double hi = f.py(s.high()[i]);
                g.draw(new java.awt.geom.Line2D.Double(px, lo, px, hi));
                g.draw(new java.awt.geom.Line2D.Double(px - 6, lo, px + 6, lo));
                g.draw(new java.awt.geom.Line2D.Double(px - 6, hi, px + 6, hi));
            }
            if (s.pointRadius() > 0) {
                double r = s.pointRadius();
                g.fill(new java.awt.geom.Ellipse2D.Double(px - r, f.py(s.y()[i]) - r, 2 * r, 2 * r));
            }
        }
    }

    private double[] range(boolean x) {
        if (x && categories != null) return new double[] {-0.5, categories.size() - 0.5};
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] v = x ? s.x() : s.y();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                lo = Math.min(lo, v[i]);
                hi = Math.max(hi, v[i]);
                if (!x && s.low() != null && Double.isFinite(s.low()[i])) {
                    lo = Math.min(lo, s.low()[i]);
                    hi = Math.max(hi, s.high()[i]);
                }
            }
        }
        if (!Double.isFinite(lo)) return new double[] {0, 1};
        if (hi - lo < 1e-12) {
            double pad = Math.max(1e-6, Math.abs(lo) * 0.05);
            return new double[] {lo - pad, hi + pad};
        }
        double pad = x ? 0 : (hi - lo) * 0.05;
        return new double[] {lo - pad, hi + pad};
    }

    private int maxLines() {
        int m = 1;
        for (String c : categories) m = Math.max(m, wrap(c).length);
        return m;
    }

    /** Splits a category name at " & " and ", " so a long mask spec takes several short lines. */
    static String[] wrap(String label) {
        return label.replace(", ", ",\n").replace(" & ", " &\n").split("\n");
    }

    /** About six ticks at 1, 2 or 5 × 10^k inside {@code [lo, hi]}. */
    static List<Double> ticks(double lo, double hi) {
        double raw = (hi - lo) / 6;
        int exponent = (int) Math.floor(Math.log10(raw));
        double mag = Math.pow(10, exponent);
        int m = 10;
        for (int c : new int[] {1, 2, 5, 10}) {
            if (c * mag >= raw) {
                m = c;
                break;
            }
        }
        double step = m * mag;
        List<Double> out = new ArrayList<>();
        // k · m · 10^e, divided rather than multiplied for negative e, so 3 × 0.2 prints as 0.6
        for (long k = (long) Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
            out.add(exponent < 0 ? k * m / Math.pow(10, -exponent) : k * m * mag);
        }
        return out;
    }

    static String format(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 100_000 || a < 0.001) return String.format(Locale.ROOT, "%.1e", v);
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** The plot area and the data-to-pixel mapping. */
    private record Frame(int left, int top, int w, int h, double[] xr, double[] yr) {
        double px(double x) {
            return left + (x - xr[0]) / (xr[1] - xr[0]) * w;
        }

        double py(double y) {
            return top + h - (y - yr[0]) / (yr[1] - yr[0]) * h;
        }
    }
}
