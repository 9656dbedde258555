package dev.visor.attention;

import dev.visor.tensor.kernel.KernelProperties;
import dev.visor.tensor.kernel.Parallel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work arrays of a flash attention worker (score and gradient tiles, packed key and value blocks,
 * dK/dV accumulators), kept and used again by later calls, so that a training step in steady state makes
 * none: the workers run on kernel threads, which have no {@code StepArena}, and on the caller. Each array
 * is grown to the largest size a call asked for and never shrinks (arrays of more than
 * {@code -Dvisor.flashScratch.maxFloats} elements, default {@value #DEFAULT_MAX_FLOATS}, are made per call
 * and not kept).
 *
 * <p><b>Who keeps one.</b> A kernel thread ({@link Parallel#onKernelThread()}) keeps a scratch of its own
 * for as long as it lives: they are few, one per {@link Parallel#threads()} beyond the first, so what they
 * keep is bounded by their number and the per-array bound, not by a byte budget: at most
 * {@code threads − 1} sets, each of 14 float arrays, up to 6 dK/dV partials (a pair for each of the two key
 * heads at most a chunk shares with its neighbours, and the pair in use), 3 int arrays, a boolean and a
 * long array, each of at most {@code maxFloats} elements. Any other thread (a caller, which runs chunk 0 of each split, or all of a
 * call with one thread) takes one from a shared pool and gives it back when the call is done, so an
 * application with hundreds of request threads keeps no more than the pool's idle sets: at most
 * {@code -Dvisor.flashScratch.pooled} (default the available processors, as many callers as can run at
 * once; 0 keeps nothing for callers) holding at most {@code -Dvisor.flashScratch.pooledBytes} bytes
 * together (default {@value #DEFAULT_POOLED_BYTES}, 64 MiB; 0 keeps nothing for callers). A scratch given
 * back to a full pool, or whose arrays would take the pool over its bytes, is dropped. The pool hands out
 * the last one given back, so a training loop, which calls from one thread, gets the same set every step.
 *
 * <p><b>Contents are unspecified</b>: an array may hold a previous call's values, and longer than asked.
 * A worker zeroes what it relies on being zero ({@link #zeroFloats} and friends) and reads nothing past
 * what it wrote or zeroed; the tests poison every array handed out ({@link #poison}) to prove it.
 *
 * <p>A call holds the scratch of every thread that ran one of its chunks until the call is done
 * ({@link Lease}): the backward pass's partial dK/dV of heads split between chunks are read by the
 * caller after the chunks. A kernel thread whose scratch a call still holds (a second model's call that it
 * ran in between, or a call nested inside a chunk) takes one from the pool for that call, as a caller
 * does; a scratch out of the pool belongs to one call until it closes, so concurrent calls never share
 * arrays.
 *
 * <pre>{@code
 * try (FlashScratch.Lease lease = FlashScratch.lease()) {
 *     WorkSplit.run(bounds, () -> new Worker(..., lease.take()), body);   // on each worker's thread
 *     ...                                                                  // read the workers' partials
 * }                                                                        // every scratch free again
 * }</pre>
 */
final class FlashScratch {
    /** The default of {@code -Dvisor.flashScratch.maxFloats}: 4 Mi elements (16 MB of floats) per array. */
    static final long DEFAULT_MAX_FLOATS = 1L << 22;

    private static final long MAX_FLOATS = KernelProperties.whole("visor.flashScratch.maxFloats", DEFAULT_MAX_FLOATS, 0);

    /** Whether calls reuse the threads' scratch ({@code -Dvisor.flashScratch=false}: every call allocates, as before). */
    static final boolean ENABLED = KernelProperties.bool("visor.flashScratch", true);

    /** The default of {@code -Dvisor.flashScratch.pooled}: as many idle sets as callers can run at once. */
    static final int DEFAULT_POOLED = Runtime.getRuntime().availableProcessors();

    /** Kernel threads' own scratch; callers never make one. */
    private static final ThreadLocal<FlashScratch> OF_THREAD = ThreadLocal.withInitial(() -> {
        FlashScratch.kept.incrementAndGet();   // (qualified: declared below)
        return new FlashScratch(true);
    });

    /** The system property bounding the bytes the callers' pool keeps in its idle sets. */
    static final String POOLED_BYTES = "visor.flashScratch.pooledBytes";

    /**
     * The default of {@code -Dvisor.flashScratch.pooledBytes}: 64 MiB for all the idle sets together. A
     * training loop's set is far below it (the demo model's step leaves 32 kB in its caller's set, the base
     * model's 0.2 MB, measured), so the loop keeps reusing it, and so do as many callers as the processors
     * at such sizes; what it stops is the worst case, sets whose arrays grew towards the 16 MB
     * {@code maxFloats} allows (long keys: the packed keys and values and the dK/dV accumulators grow with
     * key length × head width), kept idle by the pool's {@code pooled} × (14 float arrays and more) × 16 MB,
     * 1.8 GB with 8 processors. 64 MiB is four such arrays.
     */
    static final long DEFAULT_POOLED_BYTES = 64L << 20;

    /** The callers' pool: {@code idle[0 .. idleCount)} free, the last given back on top; guarded by {@code POOL}. */
    private static final Object POOL = new Object();
    private static FlashScratch[] idle = new FlashScratch[0];
    private static int idleCount;
    /** The bytes {@code idle[0 .. idleCount)} keep, at most {@link #pooledBytesMax}. */
    private static long idleBytes;
    private static int pooledMax =
            (int) Math.min(Integer.MAX_VALUE, KernelProperties.whole("visor.flashScratch.pooled", DEFAULT_POOLED, 0));
    private static long pooledBytesMax = pooledBytesProperty();

    /** A test's poison for every array handed out, or null. */
    private static volatile Float poison;

    /** Scratch made because none kept was free (the pool empty, or with the scratch off), since the JVM started. */
    static final AtomicInteger extra = new AtomicInteger();

    /** Threads that made a scratch of their own (kernel threads only), since the JVM started. */
    static final AtomicInteger kept = new AtomicInteger();

    // the float arrays by use; the forward and backward workers name their own slots
    static final int KT = 0, TILE_A = 1, TILE_B = 2, TILE_C = 3, ROWS_A = 4, ROWS_B = 5, ROWS_C = 6, ROWS_D = 7,
            ACC_A = 8, ACC_B = 9, ACC_C = 10, PACK_A = 11, PACK_B = 12, RAW = 13, FLOAT_SLOTS = 14;
    static final int STAMPS = 0, PLAN = 1, EXTENTS = 2, INT_SLOTS = 3;

    /** A kernel thread's own (given back by clearing {@link #held}), else a pooled or per-call one. */
    private final boolean own;
    private final AtomicBoolean held = new AtomicBoolean();
    private final float[][] floats = new float[FLOAT_SLOTS][];
    private final int[][] ints = new int[INT_SLOTS][];
    private boolean[] bools = new boolean[0];
    private long[] longs = new long[0];
    private float[][] partials = new float[0][];
    /** The bytes this set's arrays took when it was given back to the pool (it does not change while idle). */
    private long pooledBytes;

    private FlashScratch(boolean own) {
        this.own = own;
    }

    /**
     * A lease for one call: the scratch its workers take, given back when it closes.
     *
     * @return a new lease
     */
    static Lease lease() {
        return new Lease();
    }

    /**
     * Float array {@code slot} with at least {@code n} elements, contents unspecified.
     */
    float[] floats(int slot, int n) {
        return poisoned(grown(floats, slot, n), n);
    }

    /** As {@link #floats}, its first {@code n} elements zero. */
    float[] zeroFloats(int slot, int n) {
        float[] a = floats(slot, n);
        Arrays.fill(a, 0, n, 0f);
        return a;
    }

    /** Array {@code i} of {@code store} when it has at least {@code n} elements, else a new one (kept unless too long). */
    private static float[] grown(float[][] store, int i, int n) {
        float[] a = store[i] != null && store[i].length >= n ? store[i] : new float[n];
        store[i] = n <= MAX_FLOATS ? a : store[i];
        return a;
    }

    /** Int array {@code slot} with at least {@code n} elements, its first {@code n} zero. */
    int[] zeroInts(int slot, int n) {
        int[] a = ints[slot] != null && ints[slot].length >= n ? ints[slot] : new int[n];
        ints[slot] = n <= MAX_FLOATS ? a : ints[slot];
        Arrays.fill(a, 0, n, 0);
        return a;
    }

    /** A boolean array with at least {@code n} elements, contents unspecified (a predicate tile). */
    boolean[] bools(int n) {
        boolean[] a = bools.length >= n ? bools : new boolean[n];
        bools = n <= MAX_FLOATS ? a : bools;
        if (poison != null) {
            Arrays.fill(a, 0, n, true);
        }
        return a;
    }

    /** A long array with at least {@code n} elements, contents unspecified (dropout's keep bits). */
    long[] longs(int n) {
        long[] a = longs.length >= n ? longs : new long[n];
        longs = n <= MAX_FLOATS ? a : longs;
        return poison == null ? a : fill(a, n);
    }

    private static long[] fill(long[] a, int n) {
        Arrays.fill(a, 0, n, -1L);
        return a;
    }

    /**
     * Partial accumulator {@code i} of this call (the backward pass's dK or dV of a head a chunk shares),
     * at least {@code n} elements, its first {@code n} zero.
     */
    float[] zeroPartial(int i, int n) {
        if (i >= partials.length) {
            partials = Arrays.copyOf(partials, Math.max(4, 2 * (i + 1)));
        }
        float[] a = grown(partials, i, n);
        Arrays.fill(a, 0, n, 0f);
        return a;
    }

    private static float[] poisoned(float[] a, int n) {
        Float p = poison;
        if (p != null) {
            Arrays.fill(a, 0, n, p);
        }
        return a;
    }

    /**
     * Fills every array from now on as it is handed out (floats with {@code value}, predicate tiles with
     * true, keep bits with ones; the zeroed ones stay zero), or stops with {@code null}: a test's poison,
     * under which a worker that reads what it did not write shows.
     *
     * @param value the poison, or null to stop
     */
    static void poison(Float value) {
        poison = value;
    }

    /**
     * The bytes of the arrays this set keeps (their elements; the arrays' headers and the set's own fields
     * are not counted).
     *
     * @return the bytes this set's arrays take
     */
    long keptBytes() {
        long n = bools.length + (long) Long.BYTES * longs.length;
        for (float[] a : floats) {
            n += a == null ? 0 : (long) Float.BYTES * a.length;
        }
        for (float[] a : partials) {
            n += a == null ? 0 : (long) Float.BYTES * a.length;
        }
        for (int[] a : ints) {
            n += a == null ? 0 : (long) Integer.BYTES * a.length;
        }
        return n;
    }

    /**
     * Reads {@code -Dvisor.flashScratch.pooledBytes} (the pool reads it once, when this class loads).
     *
     * @return its value, {@link #DEFAULT_POOLED_BYTES} when unset
     * @throws IllegalArgumentException naming the property and its value when it is not a whole number of at least 0
     */
    static long pooledBytesProperty() {
        return KernelProperties.whole(POOLED_BYTES, DEFAULT_POOLED_BYTES, 0);
    }

    /** A free scratch from the callers' pool, or null when none is idle. */
    private static FlashScratch fromPool() {
        synchronized (POOL) {
            if (idleCount == 0) {
                return null;
            }
            FlashScratch s = idle[--idleCount];
            idle[idleCount] = null;
            idleBytes -= s.pooledBytes;
            return s;
        }
    }

    /**
     * Gives a pooled scratch back: kept when the pool has room for one more set and for its bytes, else
     * dropped whole (a set too large for what is left of the budget is rare: trimming it to fit would only
     * make the next call grow it again). A budget of 0 keeps none, not even a set that has grown nothing.
     */
    private static void toPool(FlashScratch s) {
        long bytes = s.keptBytes();   // the set is still this lease's: no one else changes it
        synchronized (POOL) {
            if (idleCount < pooledMax && pooledBytesMax > 0 && bytes <= pooledBytesMax - idleBytes) {
                if (idleCount == idle.length) {
                    idle = Arrays.copyOf(idle, Math.min(pooledMax, Math.max(4, 2 * idleCount)));
                }
                s.pooledBytes = bytes;
                idleBytes += bytes;
                idle[idleCount++] = s;
            }
        }
    }

    /** The idle sets the callers' pool keeps now; for tests. */
    static int pooledIdle() {
        synchronized (POOL) {
            return idleCount;
        }
    }

    /** The bytes the callers' pool keeps in its idle sets now; for tests. */
    static long pooledIdleBytes() {
        synchronized (POOL) {
            return idleBytes;
        }
    }

    /**
     * Sets how many idle sets the callers' pool keeps (as {@code -Dvisor.flashScratch.pooled}), dropping
     * any beyond; for tests.
     *
     * @return the previous bound
     */
    static int keepPooled(int max) {
        synchronized (POOL) {
            int before = pooledMax;
            pooledMax = max;
            while (idleCount > max) {
                dropTop();
            }
            return before;
        }
    }

    /**
     * Sets how many bytes the callers' pool keeps in its idle sets (as {@code -Dvisor.flashScratch.pooledBytes}),
     * dropping the sets given back last until the rest fit (all of them for 0); for tests.
     *
     * @return the previous budget
     */
    static long keepPooledBytes(long max) {
        synchronized (POOL) {
            long before = pooledBytesMax;
            pooledBytesMax = max;
            while (idleCount > 0 && (idleBytes > max || max == 0)) {
                dropTop();
            }
            return before;
        }
    }

    /** Drops the idle set given back last; under {@code POOL}. */
    private static void dropTop() {
        idleBytes -= idle[--idleCount].pooledBytes;
        idle[idleCount] = null;
    }

    /** The scratch of one call's workers, given back to their threads or the pool when the call closes it. */
    static final class Lease implements AutoCloseable {
        private FlashScratch[] taken = new FlashScratch[2];
        private int count;

        private Lease() {}

        /**
         * A scratch for one worker of this call, on the worker's thread, held until this lease closes: a
         * kernel thread's own when no other call holds it, else one from the callers' pool (a new one
         * when none is idle); with {@code -Dvisor.flashScratch=false} a new one, never kept.
         *
         * @return the scratch, for one worker of this call
         */
        FlashScratch take() {
            if (!ENABLED) {
                extra.incrementAndGet();
                return new FlashScratch(false);
            }
            FlashScratch s = null;
            if (Parallel.onKernelThread()) {
                FlashScratch mine = OF_THREAD.get();
                s = mine.held.compareAndSet(false, true) ? mine : null;
            }
            if (s == null) {
                s = fromPool();
            }
            if (s == null) {
                extra.incrementAndGet();
                s = new FlashScratch(false);
            }
            synchronized (this) {
                if (count == taken.length) {
                    taken = Arrays.copyOf(taken, 2 * count);
                }
                taken[count++] = s;
            }
            return s;
        }

        /** Gives every taken scratch back (after the call's chunks and whatever reads their arrays). */
        @Override
        public synchronized void close() {
            for (int i = 0; i < count; i++) {
                if (taken[i].own) {
                    taken[i].held.set(false);
                } else {
                    toPool(taken[i]);
                }
                taken[i] = null;
            }
            count = 0;
        }
    }
}
