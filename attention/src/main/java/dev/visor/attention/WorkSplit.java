package dev.visor.attention;

import dev.visor.tensor.kernel.Parallel;

/**
 * Cuts a list of work items into contiguous chunks of about equal cost, so that a causal or
 * windowed mask — whose query blocks visit very different numbers of key blocks — still keeps every
 * core busy. Chunks run through {@link Parallel#forRange}.
 */
final class WorkSplit {
    /** Below this many FLOP a call runs on the caller: a thread hand-off would cost more. */
    static final long PARALLEL_THRESHOLD_FLOP = 1L << 22;

    private WorkSplit() {}

    /** A cost per item. */
    @FunctionalInterface
    interface Cost {
        long of(int item);
    }

    /** Work for one chunk: items {@code [from, to)}, chunk number {@code chunk}. */
    @FunctionalInterface
    interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    /**
     * The boundaries of {@code parts} chunks over {@code n} items: chunk {@code c} is
     * {@code [bounds[c], bounds[c+1])}. Chunks may be empty when items are few or very uneven.
     */
    static int[] split(int n, int parts, Cost cost) {
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + Math.max(1, cost.of(i));
        }
        int[] bounds = new int[parts + 1];
        int item = 0;
        for (int c = 1; c < parts; c++) {
            long target = (long) ((double) prefix[n] * c / parts);
            while (item < n && prefix[item + 1] <= target) {
                item++;
            }
            // take the item that straddles the target if that lands closer to it
            if (item < n && prefix[item + 1] - target < target - prefix[item]) {
                item++;
            }
            bounds[c] = Math.max(item, bounds[c - 1]);
        }
        bounds[parts] = n;
        return bounds;
    }

    /** How many chunks a call of {@code flop} floating-point operations should use. */
    static int chunksFor(long flop) {
        return flop < PARALLEL_THRESHOLD_FLOP ? 1 : Parallel.threads();
    }

    /** Runs every chunk, in parallel across {@link Parallel#threads()} cores. */
    static void run(int[] bounds, ChunkBody body) {
        int parts = bounds.length - 1;
        if (parts == 1) {
            body.run(0, bounds[0], bounds[1]);
            return;
        }
        Parallel.forRange(parts, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                if (bounds[c] < bounds[c + 1]) {
                    body.run(c, bounds[c], bounds[c + 1]);
                }
            }
        });
    }
}
