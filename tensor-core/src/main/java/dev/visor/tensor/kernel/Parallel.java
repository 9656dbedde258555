package dev.visor.tensor.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * Splits kernel loops across cores. The thread count defaults to the number of available
 * processors and can be set with {@code -Dvisor.threads=N} or {@link #setThreads(int)} (benchmarks
 * measure 1 and all cores). Work smaller than the caller's grain runs on the calling thread: a
 * thread hand-off costs microseconds, more than a small product takes.
 *
 * <pre>{@code
 * Parallel.forRange(rows, 16, (from, to) -> { for (int r = from; r < to; r++) kernelRow(r); });
 * }</pre>
 */
public final class Parallel {
    private static volatile int threads = Integer.getInteger("visor.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool;
    private static final java.util.concurrent.atomic.AtomicInteger THREAD_IDS = new java.util.concurrent.atomic.AtomicInteger();

    /** How deep the current thread is inside chunks it runs itself (the caller's share of a split). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Parallel() {}

    /** The body of a parallel loop over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes items {@code from .. to-1}; chunks never overlap, so a body writing only its own
         * items needs no synchronisation.
         *
         * @param from the first item of the chunk
         * @param to one past the last item, greater than {@code from}
         */
        void run(int from, int to);
    }

    /**
     * The number of threads kernels use.
     *
     * @return at least 1; 1 means every kernel runs on the calling thread
     */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels use from now on (1 = run on the caller).
     *
     * @param n the thread count, at least 1
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1 but got " + n);
        }
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        // getPoolIndex() is not assigned yet here, so number the threads ourselves
                        t.setName("visor-kernel-" + THREAD_IDS.getAndIncrement());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at
     * least {@code grain} items each; returns when all chunks are done. The calling thread runs the first chunk itself (nested
     * calls inside it run inline, as on the kernel threads). Exceptions propagate.
     *
     * @param n the number of items, at least 0 (0 does nothing)
     * @param grain the fewest items per chunk, at least 1: large enough that a chunk outweighs handing it to another thread
     * @param body called once per chunk with its half-open range, possibly concurrently on different threads
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int t = threads;
        int chunks = (int) Math.min(t, Math.max(1, n / Math.max(1, (long) grain)));
        // nested inside one of our own chunks (on a kernel thread, or on a caller running its share):
        // run inline, the cores are already busy; a caller in some other pool still gets the kernel threads
        int[] depth = DEPTH.get();
        boolean nested = depth[0] > 0 || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
        if (chunks <= 1 || n <= 1 || nested) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        // The caller runs chunk 0 itself and hands the others to the pool: one thread wakes per extra
        // chunk instead of every chunk's thread plus the caller's own park and wake-up, which on small
        // ops (a decoding step's matrix-vector product, a small model's layers) cost more than the work.
        ForkJoinTask<Void> rest = pool().submit(new Chunks(body, n, chunks, 1, chunks));
        Throwable failure = null;
        depth[0]++;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (Throwable e) {
            failure = e;
        } finally {
            try {
                rest.join();   // may run the rest here when no kernel thread has taken it yet
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            } finally {
                depth[0]--;
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);   // a RangeBody declares no checked exception
        }
    }

    private static final class Chunks extends RecursiveAction {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final int lo;
        private final int hi;

        Chunks(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * (lo + 1) / chunks);
                body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, chunks, lo, mid), new Chunks(body, n, chunks, mid, hi));
        }
    }
}
