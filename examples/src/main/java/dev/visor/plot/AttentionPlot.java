package dev.visor.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Heat maps of attention weights {@code softmax(q·kᵀ/√d)}: one panel per map (e.g. per head), keys
 * across, queries down, on a shared viridis scale from 0 to the largest weight shown, with masked
 * entries in grey so that "masked" and "attended with weight ≈ 0" stay distinguishable. Matrices
 * larger than {@link Figure#maxCellsPerAxis} are downsampled by taking the maximum of each cell, so a
 * one-key-wide pattern such as a diagonal stays visible.
 *
 * <pre>{@code
 * Figure fig = AttentionPlot.figure("cross-attention, layer 1", List.of(), maps, srcTokens, tgtTokens, 4);
 * fig.writePng(Path.of("cross-attention.png"));
 * }</pre>
 */
public final class AttentionPlot {
    /** Colour of a masked entry. */
    public static final int MASKED = 0xcfcfcf;

    private AttentionPlot() {}

    /**
     * The weights of one attention map.
     *
     * @param title the panel title, e.g. "head 2"
     * @param queries number of queries (rows)
     * @param keys number of keys (columns)
     * @param weights {@code queries · keys} weights, row-major
     * @param attends {@code queries · keys} flags, false where the mask hides the key; or null
     */
    public record Weights(String title, int queries, int keys, float[] weights, boolean[] attends) {
        /** Checks the sizes. */
        public Weights {
            Objects.requireNonNull(title, "title");
            if (queries < 1 || keys < 1) throw new IllegalArgumentException("an attention map needs at least 1×1 weights but is " + queries + "×" + keys);
            if (weights.length != queries * keys) {
                throw new IllegalArgumentException("map '" + title + "' is " + queries + "×" + keys + " but has " + weights.length + " weights");
            }
            if (attends != null && attends.length != weights.length) {
                throw new IllegalArgumentException("map '" + title + "' has " + weights.length + " weights but " + attends.length + " mask flags");
            }
        }
    }

    /**
     * Lays out attention maps as a figure.
     *
     * @param title the figure title
     * @param subtitle lines under the title
     * @param maps the maps, all of the same size
     * @param keyTokens one label per key (shown when cells are large enough), or null
     * @param queryTokens one label per query, or null
     * @param columns panels per row
     * @return the figure
     */
    public static Figure figure(String title, List<String> subtitle, List<Weights> maps, List<String> keyTokens,
                                List<String> queryTokens, int columns) {
        if (maps.isEmpty()) throw new IllegalArgumentException("no attention maps to draw");
        int lq = maps.get(0).queries();
        int lk = maps.get(0).keys();
        float max = 0;
        boolean anyMasked = false;
        for (Weights m : maps) {
            if (m.queries() != lq || m.keys() != lk) {
                throw new IllegalArgumentException("map '" + m.title() + "' is " + m.queries() + "×" + m.keys()
                        + " but the first map is " + lq + "×" + lk);
            }
            for (int i = 0; i < m.weights().length; i++) {
                float w = m.weights()[i];
                if (!Float.isFinite(w)) throw new IllegalArgumentException("map '" + m.title() + "' has a non-finite weight " + w + " at " + (i / lk) + ", " + (i % lk));
                boolean visible = m.attends() == null || m.attends()[i];
                if (visible) max = Math.max(max, w);
                else anyMasked = true;
            }
        }
        double top = max > 0.9f ? 1.0 : max > 0 ? max : 1.0;
        ColorScale scale = ColorScale.viridis();
        int cap = Figure.maxCellsPerAxis(maps.size());
        int rowGroup = Axis.groupFor(lq, cap);
        int colGroup = Axis.groupFor(lk, cap);
        List<Panel> panels = new ArrayList<>();
        for (Weights m : maps) {
            int rows = (lq + rowGroup - 1) / rowGroup;
            int cols = (lk + colGroup - 1) / colGroup;
            int[] rgb = new int[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    float cellMax = -1;
                    for (int q = r * rowGroup; q < Math.min(lq, (r + 1) * rowGroup); q++) {
                        for (int k = c * colGroup; k < Math.min(lk, (c + 1) * colGroup); k++) {
                            int i = q * lk + k;
                            if (m.attends() == null || m.attends()[i]) cellMax = Math.max(cellMax, m.weights()[i]);
                        }
                    }
                    rgb[r * cols + c] = cellMax < 0 ? MASKED : scale.rgb(cellMax / top);
                }
            }
            Axis x = Axis.of("key position", lk).grouped(colGroup).labels(keyTokens);
            Axis y = Axis.of("query position", lq).grouped(rowGroup).labels(queryTokens);
            panels.add(new Panel(m.title(), x, y, rgb));
        }
        List<String> lines = new ArrayList<>(subtitle);
        if (rowGroup > 1 || colGroup > 1) lines.add("downsampled: each cell shows the largest weight of " + rowGroup + "×" + colGroup + " entries");
        Legend legend = Legend.bar(scale, 0, top, "attention weight");
        if (anyMasked) legend = legend.with(new Legend.Swatch("masked", MASKED));
        return new Figure(title, lines, panels, columns, legend);
    }
}
