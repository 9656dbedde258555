package dev.visor.attention;

import dev.visor.tensor.kernel.Parallel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Cuts a list of work items into contiguous chunks of about equal cost, so that a causal or
 * windowed mask — whose query blocks visit very different numbers of key blocks — still keeps every
 * core busy, and hands the chunks to {@link Parallel#threads()} workers as they become free.
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

    /** Work for one chunk: items {@code [from, to)}, chunk number {@code chunk}, on a thread's worker. */
    @FunctionalInterface
    interface ChunkBody<W> {
        void run(W worker, int chunk, int from, int to);
    }

    /**
     * The boundaries of {@code parts} chunks over {@code n} items: chunk {@code c} is
     * {@code [bounds[c], bounds[c+1])}. Chunks may be empty when items are few or very uneven.
     */
    static int[] split(int n, int parts, Cost cost) {
        if (parts == 1) {
            return new int[] {0, n};   // (one thread's calls: no cost prefix to build)
        }
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

    /** Chunks per thread: a core slowed by other work hands its remaining chunks to the others. */
    static final int CHUNKS_PER_THREAD = 4;

    /** How many chunks a call of {@code flop} floating-point operations should use. */
    static int chunksFor(long flop) {
        int threads = Parallel.threads();
        return flop < PARALLEL_THRESHOLD_FLOP || threads == 1 ? 1 : threads * CHUNKS_PER_THREAD;
    }

    /**
     * Runs every chunk: {@link Parallel#threads()} workers take the next unstarted chunk until none
     * is left (so the chunks' results never depend on which thread ran them).
     */
    static <W> void run(int[] bounds, Supplier<W> workers, ChunkBody<W> body) {
        int parts = bounds.length - 1;
        int threads = Math.min(parts, Parallel.threads());
        AtomicInteger next = new AtomicInteger();
        Parallel.RangeBody loop = (t0, t1) -> {
            W worker = null;   // scratch buffers: one set per thread, reused across its chunks
            for (int c = next.getAndIncrement(); c < parts; c = next.getAndIncrement()) {
                if (bounds[c] < bounds[c + 1]) {
                    if (worker == null) {
                        worker = workers.get();
                    }
                    body.run(worker, c, bounds[c], bounds[c + 1]);
                }
            }
        };
        if (threads <= 1) {
            loop.run(0, 1);
        } else {
            Parallel.forRange(threads, 1, loop);
        }
    }
}
