package dev.visor.plot;

import dev.visor.tensor.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A picture of one or more heat-map {@link Panel}s in a grid, with a title, subtitle lines, labelled
 * axes on every panel and one shared {@link Legend}, rendered with Java2D (headless) and written as
 * PNG. Cell size adapts to the matrix: up to 40 px per cell for a small matrix, 1 px for a large
 * one (callers downsample past {@link #maxCellsPerAxis}); numeric ticks are spaced so their labels
 * never collide, and token labels are drawn only when cells are tall enough to read them.
 *
 * <pre>{@code
 * Figure fig = new Figure("cross-attention, layer 1", List.of("reversal, 12 tokens"), panels, 4, legend);
 * fig.writePng(Path.of("attention.png"));
 * }</pre>
 */
public final class Figure {
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color INK = new Color(0x222222);
    private static final Color MUTED = new Color(0x555555);
    private static final Color GRID = new Color(0, 0, 0, 70);
    private static final int MARGIN = 16;
    private static final int TICK_LEN = 4;
    private static final int GAP = 18;
    private static final int MAX_CELL_PX = 40;
    private static final int MIN_TOKEN_CELL_PX = 9;
    private static final int MAX_TOKEN_CHARS = 12;

    private final String title;
    private final List<String> subtitle;
    private final List<Panel> panels;
    private final int columns;
    private final Legend legend;

    /**
     * Describes a figure.
     *
     * @param title the title
     * @param subtitle lines under the title (may be empty)
     * @param panels the heat maps, laid out left to right, top to bottom
     * @param columns panels per row, at least 1
     * @param legend the key shared by all panels, or null
     */
    public Figure(String title, List<String> subtitle, List<Panel> panels, int columns, Legend legend) {
        this.title = Objects.requireNonNull(title, "title");
        this.subtitle = List.copyOf(subtitle);
        this.panels = List.copyOf(panels);
        if (this.panels.isEmpty()) throw new IllegalArgumentException("a figure needs at least one panel");
        if (columns < 1) throw new IllegalArgumentException("columns must be at least 1 but got " + columns);
        this.columns = Math.min(columns, this.panels.size());
        this.legend = legend;
    }

    /**
     * The most cells a panel should have along one axis for the picture to stay a sensible size:
     * callers downsample larger matrices ({@link Axis#groupFor}).
     *
     * @param panels how many panels the figure will hold
     * @return 512 for one panel, fewer for more
     */
    public static int maxCellsPerAxis(int panels) {
        return panels <= 1 ? 512 : panels <= 2 ? 320 : 192;
    }

    /** @return the title */
    public String title() {
        return title;
    }

    /** @return the lines under the title */
    public List<String> subtitle() {
        return subtitle;
    }

    /** @return the legend, or null */
    public Legend legend() {
        return legend;
    }

    /** @return the panels */
    public List<Panel> panels() {
        return panels;
    }

    /** Side length budget of one panel's plot area, in pixels. */
    private int budget() {
        return panels.size() == 1 ? 560 : columns <= 2 ? 380 : 240;
    }

    /** @return the pixels per cell this figure uses: at most 40, at least 1, fractional for large grids */
    double cellPx() {
        int maxCells = 1;
        for (Panel p : panels) maxCells = Math.max(maxCells, Math.max(p.rows(), p.cols()));
        double px = (double) budget() / maxCells;
        return px >= 8 ? Math.min(MAX_CELL_PX, Math.floor(px)) : Math.max(1, px);
    }

    /**
     * Renders the figure.
     *
     * @return an RGB image
     */
    public BufferedImage render() {
        double cell = cellPx();
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        List<PanelLayout> layouts = new ArrayList<>();
        for (Panel p : panels) layouts.add(new PanelLayout(p, cell, scratch));
        int left = 0, top = 0, bottom = 0, plotW = 0, plotH = 0, right = 0;
        for (PanelLayout l : layouts) {
            left = Math.max(left, l.leftGutter);
            top = Math.max(top, l.topGutter);
            bottom = Math.max(bottom, l.bottomGutter);
            right = Math.max(right, l.rightGutter);
            plotW = Math.max(plotW, l.plotW);
            plotH = Math.max(plotH, l.plotH);
        }
        int boxW = left + plotW + right;
        int boxH = top + plotH + bottom;
        int rows = (panels.size() + columns - 1) / columns;
        int gridW = columns * boxW + (columns - 1) * GAP;
        int gridH = rows * boxH + (rows - 1) * GAP;

        FontMetrics titleFm = scratch.getFontMetrics(TITLE);
        FontMetrics textFm = scratch.getFontMetrics(TEXT);
        int headerW = titleFm.stringWidth(title);
        for (String s : subtitle) headerW = Math.max(headerW, textFm.stringWidth(s));
        int headerH = titleFm.getHeight() + subtitle.size() * textFm.getHeight() + 10;
        LegendLayout legendLayout = legend == null ? null : new LegendLayout(legend, Math.max(120, Math.min(320, plotH)), scratch);
        int legendW = legendLayout == null ? 0 : GAP + legendLayout.width;
        int width = MARGIN * 2 + Math.max(headerW, gridW + legendW);
        int height = MARGIN * 2 + headerH + Math.max(gridH, legendLayout == null ? 0 : top + legendLayout.height);
        scratch.dispose();

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            // 1) header
            int y = MARGIN + titleFm.getAscent();
            g.setFont(TITLE);
            g.setColor(INK);
            g.drawString(title, MARGIN, y);
            y += titleFm.getDescent();
            g.setFont(TEXT);
            g.setColor(MUTED);
            for (String s : subtitle) {
                y += textFm.getHeight();
                g.drawString(s, MARGIN, y - textFm.getDescent());
            }
            int gridTop = MARGIN + headerH;
            // 2) panels
            for (int i = 0; i < layouts.size(); i++) {
                int bx = MARGIN + (i % columns) * (boxW + GAP);
                int by = gridTop + (i / columns) * (boxH + GAP);
                layouts.get(i).draw(g, bx + left, by + top);
            }
            // 3) legend, aligned with the first plot's top edge
            if (legendLayout != null) legendLayout.draw(g, MARGIN + gridW + GAP, gridTop + top);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Renders the figure and writes it as a PNG, atomically (a reader never sees half a file). The
     * folder must exist: a mistyped path fails instead of growing folders in unexpected places.
     *
     * @param file the target file
     * @return the rendered image
     * @throws IOException if the folder does not exist or the file cannot be written; an existing file is then left as it was
     */
    public BufferedImage writePng(Path file) throws IOException {
        BufferedImage image = render();
        writePng(image, file);
        return image;
    }

    /** Writes an image as PNG atomically into an existing folder (shared with {@link LineChart}). */
    static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("the folder " + parent + " does not exist; create it first");
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("this JVM has no PNG writer");
        });
    }

    /** Tick positions (absolute source positions) spaced at least {@code minPx} apart. */
    static List<Integer> ticks(Axis axis, double pxPerPosition, int minPx) {
        int step = 1;
        int[] nice = {1, 2, 5};
        outer:
        for (int scale = 1; ; scale *= 10) {
            for (int n : nice) {
                step = n * scale;
                if (step * pxPerPosition >= minPx || step >= axis.length()) break outer;
            }
        }
        List<Integer> ticks = new ArrayList<>();
        int first = ((axis.start() + step - 1) / step) * step;
        for (int p = first; p < axis.start() + axis.length(); p += step) ticks.add(p);
        return ticks;
    }

    static String shorten(String token) {
        String visible = token.replace("\n", "\\n").replace("\t", "\\t");
        return visible.length() <= MAX_TOKEN_CHARS ? visible : visible.substring(0, MAX_TOKEN_CHARS - 1) + "…";
    }

    static String format(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1000 || a < 0.01) return String.format(Locale.ROOT, "%.1e", v);
        String s = String.format(Locale.ROOT, a >= 10 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** Where one panel's parts go. Coordinates relative to the plot area's top-left corner. */
    private static final class PanelLayout {
        final Panel panel;
        final double cell;
        final int plotW;
        final int plotH;
        final boolean xTokens;
        final boolean yTokens;
        final Font xFont;
        final Font yFont;
        final List<Integer> xTicks;
        final List<Integer> yTicks;
        final int leftGutter;
        final int topGutter;
        final int bottomGutter;
        final int rightGutter;
        final int yLabelWidth;
        final int xLabelExtent;

        PanelLayout(Panel panel, double cell, Graphics2D g) {
            this.panel = panel;
            this.cell = cell;
            this.plotW = (int) Math.round(panel.cols() * cell);
            this.plotH = (int) Math.round(panel.rows() * cell);
            Axis x = panel.x();
            Axis y = panel.y();
            xTokens = x.labels() != null && x.group() == 1 && cell >= MIN_TOKEN_CELL_PX;
            yTokens = y.labels() != null && y.group() == 1 && cell >= MIN_TOKEN_CELL_PX;
            xFont = xTokens ? TICK.deriveFont((float) Math.min(12, Math.floor(cell) - 1)) : TICK;
            yFont = yTokens ? TICK.deriveFont((float) Math.min(12, Math.floor(cell) - 1)) : TICK;
            FontMetrics xfm = g.getFontMetrics(xFont);
            FontMetrics yfm = g.getFontMetrics(yFont);
            FontMetrics tfm = g.getFontMetrics(TEXT);
            int widestNumber = xfm.stringWidth(Integer.toString(x.start() + x.length() - 1));
            xTicks = xTokens ? allPositions(x) : ticks(x, cell / x.group(), widestNumber + 10);
            yTicks = yTokens ? allPositions(y) : ticks(y, cell / y.group(), yfm.getHeight() + 4);
            int yw = 0;
            for (int p : yTicks) yw = Math.max(yw, yfm.stringWidth(yLabel(p)));
            yLabelWidth = yw;
            int xe = 0;
            for (int p : xTicks) xe = Math.max(xe, xTokens ? xfm.stringWidth(xLabel(p)) : xfm.getHeight());
            xLabelExtent = xe;
            leftGutter = tfm.getHeight() + 6 + yLabelWidth + 3 + TICK_LEN;
            topGutter = panel.title().isEmpty() ? 0 : g.getFontMetrics(PANEL_TITLE).getHeight() + 4;
            bottomGutter = TICK_LEN + 3 + xLabelExtent + 6 + tfm.getHeight();
            rightGutter = xTokens ? 4 : widestNumber / 2 + 4;
        }

        private static List<Integer> allPositions(Axis a) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < a.length(); i++) all.add(a.start() + i);
            return all;
        }

        String xLabel(int p) {
            return xTokens ? shorten(panel.x().labels().get(p - panel.x().start())) : Integer.toString(p);
        }

        String yLabel(int p) {
            return yTokens ? shorten(panel.y().labels().get(p - panel.y().start())) : Integer.toString(p);
        }

        /** Centre of a source position along an axis, in pixels from the plot's edge. */
        double centre(Axis a, int position) {
            return (position - a.start() + 0.5) * cell / a.group();
        }

        void draw(Graphics2D g, int px, int py) {
            Axis x = panel.x();
            Axis y = panel.y();
            // 1) cells
            int[] rgb = panel.rgb();
            int cols = panel.cols();
            for (int r = 0; r < panel.rows(); r++) {
                int y0 = (int) Math.round(r * cell);
                int y1 = (int) Math.round((r + 1) * cell);
                for (int c = 0; c < cols; c++) {
                    int x0 = (int) Math.round(c * cell);
                    g.setColor(new Color(rgb[r * cols + c]));
                    g.fillRect(px + x0, py + y0, (int) Math.round((c + 1) * cell) - x0, y1 - y0);
                }
            }
            // 2) block grid, only where lines stay at least 3 px apart
            g.setColor(GRID);
            if (x.gridEvery() > 0 && x.gridEvery() * cell / x.group() >= 3) {
                for (int p = x.gridEvery(); p < x.length(); p += x.gridEvery()) {
                    int lx = px + (int) Math.round(p * cell / x.group());
                    g.drawLine(lx, py, lx, py + plotH - 1);
                }
            }
            if (y.gridEvery() > 0 && y.gridEvery() * cell / y.group() >= 3) {
                for (int p = y.gridEvery(); p < y.length(); p += y.gridEvery()) {
                    int ly = py + (int) Math.round(p * cell / y.group());
                    g.drawLine(px, ly, px + plotW - 1, ly);
                }
            }
            g.setColor(INK);
            g.setStroke(new BasicStroke(1));
            g.drawRect(px - 1, py - 1, plotW + 1, plotH + 1);
            // 3) panel title
            if (!panel.title().isEmpty()) {
                g.setFont(PANEL_TITLE);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(panel.title(), px + (plotW - fm.stringWidth(panel.title())) / 2, py - 4 - fm.getDescent());
            }
            // 4) x ticks and labels (below), tokens written downwards
            g.setFont(xFont);
            FontMetrics xfm = g.getFontMetrics();
            for (int p : xTicks) {
                int cx = px + (int) Math.round(centre(x, p));
                g.drawLine(cx, py + plotH + 1, cx, py + plotH + TICK_LEN);
                String label = xLabel(p);
                if (xTokens) {
                    AffineTransform saved = g.getTransform();
                    g.translate(cx + (xfm.getAscent() - xfm.getDescent()) / 2.0, py + plotH + TICK_LEN + 3);
                    g.rotate(Math.PI / 2);
                    g.drawString(label, 0, 0);
                    g.setTransform(saved);
                } else {
                    g.drawString(label, cx - xfm.stringWidth(label) / 2, py + plotH + TICK_LEN + 3 + xfm.getAscent());
                }
            }
            // 5) y ticks and labels (left)
            g.setFont(yFont);
            FontMetrics yfm = g.getFontMetrics();
            for (int p : yTicks) {
                int cy = py + (int) Math.round(centre(y, p));
                g.drawLine(px - 1 - TICK_LEN, cy, px - 2, cy);
                String label = yLabel(p);
                g.drawString(label, px - 1 - TICK_LEN - 3 - yfm.stringWidth(label), cy + (yfm.getAscent() - yfm.getDescent()) / 2);
            }
            // 6) axis titles
            g.setFont(TEXT);
            FontMetrics tfm = g.getFontMetrics();
            g.setColor(MUTED);
            String xt = x.title() + (x.group() > 1 ? " (" + x.group() + " per cell)" : "");
            g.drawString(xt, px + (plotW - tfm.stringWidth(xt)) / 2, py + plotH + bottomGutter - tfm.getDescent());
            String yt = y.title() + (y.group() > 1 ? " (" + y.group() + " per cell)" : "");
            AffineTransform saved = g.getTransform();
            g.translate(px - leftGutter + tfm.getAscent(), py + (plotH + tfm.stringWidth(yt)) / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(yt, 0, 0);
            g.setTransform(saved);
            g.setColor(INK);
        }
    }

    /** Where the legend's parts go. */
    private static final class LegendLayout {
        static final int BAR_W = 14;
        static final int SWATCH = 12;
        final Legend legend;
        final int barH;
        final int width;
        final int height;
        final List<Double> barTicks = new ArrayList<>();

        LegendLayout(Legend legend, int barH, Graphics2D g) {
            this.legend = legend;
            this.barH = legend.bar() == null ? 0 : barH;
            FontMetrics tick = g.getFontMetrics(TICK);
            FontMetrics text = g.getFontMetrics(TEXT);
            int w = 0;
            int h = 0;
            if (legend.bar() != null) {
                Legend.ColorBar bar = legend.bar();
                for (int i = 0; i <= 4; i++) barTicks.add(bar.min() + (bar.max() - bar.min()) * i / 4);
                int tw = 0;
                for (double t : barTicks) tw = Math.max(tw, tick.stringWidth(format(t)));
                w = BAR_W + TICK_LEN + 3 + tw + 6 + text.getHeight();
                h = this.barH + 12;
            }
            for (Legend.Swatch s : legend.swatches()) {
                w = Math.max(w, SWATCH + 6 + text.stringWidth(s.label()));
                h += Math.max(SWATCH, text.getHeight()) + 4;
            }
            width = w;
            height = h;
        }

        void draw(Graphics2D g, int x, int y) {
            int cursor = y;
            if (legend.bar() != null) {
                Legend.ColorBar bar = legend.bar();
                for (int i = 0; i < barH; i++) {
                    g.setColor(new Color(bar.scale().rgb(1.0 - (double) i / (barH - 1))));
                    g.drawLine(x, y + i, x + BAR_W - 1, y + i);
                }
                g.setColor(INK);
                g.drawRect(x - 1, y - 1, BAR_W + 1, barH + 1);
                g.setFont(TICK);
                FontMetrics fm = g.getFontMetrics();
                int labelW = 0;
                for (double t : barTicks) {
                    int ty = y + (int) Math.round((1 - (t - bar.min()) / (bar.max() - bar.min())) * (barH - 1));
                    g.drawLine(x + BAR_W, ty, x + BAR_W + TICK_LEN - 1, ty);
                    String s = format(t);
                    labelW = Math.max(labelW, fm.stringWidth(s));
                    g.drawString(s, x + BAR_W + TICK_LEN + 3, ty + (fm.getAscent() - fm.getDescent()) / 2);
                }
                g.setFont(TEXT);
                FontMetrics tfm = g.getFontMetrics();
                g.setColor(MUTED);
                AffineTransform saved = g.getTransform();
                g.translate(x + BAR_W + TICK_LEN + 3 + labelW + 6 + tfm.getAscent(), y + (barH + tfm.stringWidth(bar.label())) / 2.0);
                g.rotate(-Math.PI / 2);
                g.drawString(bar.label(), 0, 0);
                g.setTransform(saved);
                cursor = y + barH + 12;
            }
            g.setFont(TEXT);
            FontMetrics fm = g.getFontMetrics();
            for (Legend.Swatch s : legend.swatches()) {
                int rowH = Math.max(SWATCH, fm.getHeight());
                g.setColor(new Color(s.rgb()));
                g.fillRect(x, cursor + (rowH - SWATCH) / 2, SWATCH, SWATCH);
                g.setColor(INK);
                g.drawRect(x, cursor + (rowH - SWATCH) / 2, SWATCH - 1, SWATCH - 1);
                g.drawString(s.label(), x + SWATCH + 6, cursor + (rowH + fm.getAscent() - fm.getDescent()) / 2);
                cursor += rowH + 4;
            }
        }
    }
}
