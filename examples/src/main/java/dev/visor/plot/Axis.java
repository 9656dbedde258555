package dev.visor.plot;

import java.util.List;
import java.util.Objects;

/**
 * One axis of a heat-map panel: which source positions its cells cover and how they are labelled.
 * A cell covers {@code group} consecutive positions (1 unless a large matrix was downsampled), the
 * first cell starting at absolute position {@code start} (e.g. the query offset of a KV-cache step).
 *
 * <pre>{@code
 * Axis keys = Axis.of("key position", 512).grouped(4);          // 128 cells of 4 keys
 * Axis queries = Axis.of("query position", 8).labels(tokens);   // token strings as tick labels
 * }</pre>
 *
 * @param title the axis title, e.g. "key position"
 * @param start the absolute position of the first source position
 * @param length the number of source positions, at least 1
 * @param group source positions per cell, at least 1
 * @param labels one tick label per source position (e.g. tokens), or null for numeric ticks
 * @param gridEvery draw a grid line every this many source positions (block boundaries), or 0
 */
public record Axis(String title, int start, int length, int group, List<String> labels, int gridEvery) {

    /** Checks the sizes. */
    public Axis {
        Objects.requireNonNull(title, "title");
        if (length < 1) throw new IllegalArgumentException("axis '" + title + "' needs at least 1 position but got " + length);
        if (group < 1) throw new IllegalArgumentException("axis '" + title + "' group must be at least 1 but got " + group);
        if (start < 0) throw new IllegalArgumentException("axis '" + title + "' start must be at least 0 but got " + start);
        if (gridEvery < 0) throw new IllegalArgumentException("axis '" + title + "' gridEvery must be at least 0 but got " + gridEvery);
        if (labels != null) {
            labels = List.copyOf(labels);
            if (labels.size() != length) {
                throw new IllegalArgumentException("axis '" + title + "' has " + length + " positions but "
                        + labels.size() + " labels");
            }
        }
    }

    /**
     * A numeric axis over positions {@code 0 .. length-1}, one position per cell.
     *
     * @param title the title
     * @param length the number of positions
     * @return the axis
     */
    public static Axis of(String title, int length) {
        return new Axis(title, 0, length, 1, null, 0);
    }

    /** @param start the absolute position of the first source position @return a copy */
    public Axis startingAt(int start) {
        return new Axis(title, start, length, group, labels, gridEvery);
    }

    /** @param group source positions per cell @return a copy */
    public Axis grouped(int group) {
        return new Axis(title, start, length, group, labels, gridEvery);
    }

    /** @param labels one label per position, or null @return a copy */
    public Axis labels(List<String> labels) {
        return new Axis(title, start, length, group, labels, gridEvery);
    }

    /** @param every grid line spacing in source positions, or 0 @return a copy */
    public Axis grid(int every) {
        return new Axis(title, start, length, group, labels, every);
    }

    /** @return the number of cells, {@code ceil(length / group)} */
    public int cells() {
        return (length + group - 1) / group;
    }

    /**
     * The downsampling factor that brings {@code length} positions to at most {@code maxCells} cells.
     *
     * @param length the number of positions
     * @param maxCells the most cells wanted
     * @return the positions per cell, at least 1
     */
    public static int groupFor(int length, int maxCells) {
        return Math.max(1, (length + maxCells - 1) / maxCells);
    }
}
