package dev.visor.transformer.train;

import java.util.Arrays;

/**
 * Which rows of a micro-batch each data-parallel shard trains on, when the shards may be cut to their
 * own longest row ({@link Batch#trimmed}): the rows sorted by length (source plus input span; ties by
 * row index), then cut into contiguous runs so that the largest shard's work after cutting is as small
 * as contiguous runs of that order allow. A shard's work is its padded positions plus attention's share,
 * which grows with the length: {@code rows × ((S + T) + (S² + T² + S·T) / (2·d_model))} for longest
 * source {@code S} and input {@code T} (the score and value products of the encoder's, the decoder's and
 * the cross attention cost about {@code 2·L·d} per position against some {@code 12–16·d²} for the
 * projections and the feed-forward; on the demo, shards balanced by padded positions alone left the
 * long-row shard ≈ 3 % more CPU than the short-row one, and with the term the short-row shard takes ≈ 2 %
 * more: a cut moves by whole rows). A shard of short rows then carries less padding than one cut from the batch's row order, where
 * each of two shards of 32 random rows of lengths 3–10 almost surely holds a row of length 10: on the
 * demo's batches the shards' padded positions fall from 2 × 672 to about 2 × 560.
 *
 * <p>The plan depends only on the rows' lengths and the shard count, not on thread timing, so a step is
 * as reproducible as before; it differs from the batch's row order, so the gradients' summation order
 * and the shards' dropout masks differ from a plain row split.
 */
final class ShardPlan {
    private ShardPlan() {}

    /**
     * Splits rows into {@code shards} groups: each group's rows in ascending length, groups in
     * ascending length, every row in exactly one group, no group empty.
     *
     * @param sourceLengths each row's source length (all 0 for a model without a source)
     * @param inputLengths each row's input span (its valid length, or past it to its last target)
     * @param shards the number of groups wanted, at least 1; fewer when there are fewer rows
     * @param width the model's d_model, at least 1: how much attention's share weighs against the positions
     * @return {@code min(shards, rows)} arrays of row indices
     * @throws IllegalArgumentException when the two length arrays differ in size, are empty, or {@code shards}
     *         or {@code width} is below 1
     */
    static int[][] assign(int[] sourceLengths, int[] inputLengths, int shards, int width) {
        int n = inputLengths.length;
        check(sourceLengths, inputLengths, shards, width);
        int[] order = order(sourceLengths, inputLengths);
        int[] s = permuted(sourceLengths, order);
        int[] t = permuted(inputLengths, order);
        int k = Math.min(shards, n);
        int[] cut = cuts(s, t, k, width);
        int[][] out = new int[k][];
        for (int c = 0; c < k; c++) {
            out[c] = Arrays.copyOfRange(order, cut[c], cut[c + 1]);
        }
        return out;
    }

    /**
     * Splits rows into {@code groups} groups run one after the other: the rows sorted by length as in
     * {@link #assign}, cut into contiguous runs whose summed {@link #cost} (each run cut to its own longest
     * row) is the least of all such cuts, where {@link #assign} balances the largest run for threads that
     * run the groups at once. Found by dynamic programming over the cuts ({@code O(groups · n²)} time,
     * {@code O(groups · n)} memory).
     *
     * @param sourceLengths each row's source length (all 0 for a model without a source)
     * @param inputLengths each row's input span
     * @param groups the number of groups wanted, at least 1; fewer when there are fewer rows
     * @param width the model's d_model, at least 1
     * @return {@code min(groups, rows)} non-empty arrays of row indices, in ascending length
     * @throws IllegalArgumentException on the conditions of {@link #assign}
     */
    static int[][] sequential(int[] sourceLengths, int[] inputLengths, int groups, int width) {
        int n = inputLengths.length;
        check(sourceLengths, inputLengths, groups, width);
        int[] order = order(sourceLengths, inputLengths);
        int[] s = permuted(sourceLengths, order);
        int[] t = permuted(inputLengths, order);
        int k = Math.min(groups, n);
        // best[g][to]: the least summed cost of rows 0 .. to-1 in g runs; start[g][to]: where its last run
        // starts (the earliest start among equal costs). A run's cost comes from its longest rows, kept as
        // running maxima while its start moves back: O(groups · n) memory, not a table of every run.
        long[][] best = new long[k + 1][n + 1];
        int[][] start = new int[k + 1][n + 1];
        for (long[] row : best) {
            Arrays.fill(row, Long.MAX_VALUE);
        }
        best[0][0] = 0;
        for (int g = 1; g <= k; g++) {
            for (int to = g; to <= n; to++) {
                int ms = 0;
                int mt = 0;
                for (int from = to - 1; from >= g - 1; from--) {
                    ms = Math.max(ms, s[from]);
                    mt = Math.max(mt, t[from]);
                    if (best[g - 1][from] != Long.MAX_VALUE) {
                        long c = best[g - 1][from] + cost(to - from, ms, mt, width);
                        if (c <= best[g][to]) {
                            best[g][to] = c;
                            start[g][to] = from;
                        }
                    }
                }
            }
        }
        int[][] out = new int[k][];
        int to = n;
        for (int g = k; g >= 1; g--) {
            int from = start[g][to];
            out[g - 1] = Arrays.copyOfRange(order, from, to);
            to = from;
        }
        return out;
    }

    /**
     * The summed work of {@code plan}'s groups, each cut to its own longest row, in {@link #cost}'s units.
     *
     * @param sourceLengths each row's source length
     * @param inputLengths each row's input span
     * @param plan groups of row indices
     * @param width the model's d_model
     * @return the sum of the groups' costs
     */
    static long total(int[] sourceLengths, int[] inputLengths, int[][] plan, int width) {
        long sum = 0;
        for (int[] group : plan) {
            sum += cost(sourceLengths, inputLengths, group, width);
        }
        return sum;
    }

    private static void check(int[] sourceLengths, int[] inputLengths, int shards, int width) {
        int n = inputLengths.length;
        if (sourceLengths.length != n || n == 0 || shards < 1 || width < 1) {
            throw new IllegalArgumentException("a shard plan needs as many source lengths (" + sourceLengths.length
                    + ") as input lengths (" + n + "), at least one row, at least 1 shard (got " + shards
                    + ") and a width of at least 1 (got " + width + ")");
        }
    }

    /** {@code values[order[i]]} for each i. */
    private static int[] permuted(int[] values, int[] order) {
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = values[order[i]];
        }
        return out;
    }

    /** Row indices sorted by source plus input length, ties by index. */
    static int[] order(int[] sourceLengths, int[] inputLengths) {
        int n = inputLengths.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) (sourceLengths[i] + inputLengths[i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /**
     * The work of a shard of the sorted rows {@code from .. to-1}, in units of {@code 1 / (2·width)} position:
     * {@code rows × (2·width·(S + T) + S² + T² + S·T)} for its longest source {@code S} and input {@code T}.
     * It never falls as the run grows.
     */
    static long cost(int[] s, int[] t, int from, int to, int width) {
        int ms = 0;
        int mt = 0;
        for (int i = from; i < to; i++) {
            ms = Math.max(ms, s[i]);
            mt = Math.max(mt, t[i]);
        }
        return cost(to - from, ms, mt, width);
    }

    /**
     * The work of the rows {@code rows} (indices into the two length arrays) cut to their own longest
     * source and input, in the units of {@link #cost(int[], int[], int, int, int)}.
     */
    static long cost(int[] sourceLengths, int[] inputLengths, int[] rows, int width) {
        int ms = 0;
        int mt = 0;
        for (int r : rows) {
            ms = Math.max(ms, sourceLengths[r]);
            mt = Math.max(mt, inputLengths[r]);
        }
        return cost(rows.length, ms, mt, width);
    }

    /**
     * The work of {@code rows} rows cut to longest source {@code ms} and input {@code mt}, in the units of
     * {@link #cost(int[], int[], int, int, int)}.
     */
    static long cost(int rows, int ms, int mt, int width) {
        return rows * (2L * width * (ms + mt) + (long) ms * ms + (long) mt * mt + (long) ms * mt);
    }

    /**
     * The cuts of {@code k} non-empty contiguous runs of rows (in the order given) minimising the largest
     * run's {@link #cost}: the least bound a greedy fill meets in at most {@code k} runs (a run's cost never
     * falls as it grows, so the greedy fill is optimal for a bound), found by bisection; runs left over
     * split the run of most rows in halves, which raises no run's cost.
     *
     * @return {@code k + 1} indices, {@code cut[0] = 0}, {@code cut[k] = n}, strictly increasing
     */
    static int[] cuts(int[] s, int[] t, int k, int width) {
        int n = t.length;
        long lo = 0;
        for (int i = 0; i < n; i++) {
            lo = Math.max(lo, cost(s, t, i, i + 1, width));
        }
        long hi = cost(s, t, 0, n, width);
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (fill(s, t, mid, width).length - 1 <= k) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        int[] cut = fill(s, t, lo, width);
        while (cut.length - 1 < k) {
            int widest = 0;
            for (int c = 1; c < cut.length - 1; c++) {
                if (cut[c + 1] - cut[c] > cut[widest + 1] - cut[widest]) {
                    widest = c;
                }
            }
            int[] more = new int[cut.length + 1];
            System.arraycopy(cut, 0, more, 0, widest + 1);
            more[widest + 1] = cut[widest] + (cut[widest + 1] - cut[widest]) / 2;
            System.arraycopy(cut, widest + 1, more, widest + 2, cut.length - widest - 1);
            cut = more;
        }
        return cut;
    }

    /** Greedy runs of cost at most {@code bound} (each at least one row): their cuts. */
    private static int[] fill(int[] s, int[] t, long bound, int width) {
        int n = t.length;
        int[] cut = new int[n + 1];
        int runs = 0;
        int from = 0;
        while (from < n) {
            int to = from + 1;
            int ms = s[from];
            int mt = t[from];
            while (to < n) {
                int ns = Math.max(ms, s[to]);
                int nt = Math.max(mt, t[to]);
                if (cost(to + 1 - from, ns, nt, width) > bound) {
                    break;
                }
                ms = ns;
                mt = nt;
                to++;
            }
            cut[++runs] = to;
            from = to;
        }
        return Arrays.copyOf(cut, runs + 1);
    }
}
