package dev.visor.attention;

import dev.visor.tensor.kernel.KernelProperties;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work arrays of a flash attention worker (score and gradient tiles, packed key and value blocks,
 * dK/dV accumulators), kept per thread and used again by the next call, so that a training step in
 * steady state makes none: the workers run on kernel threads, which have no {@code StepArena}. Each
 * array is grown to the largest size a call asked for and never shrinks (arrays of more than
 * {@code -Dvisor.flashScratch.maxFloats} elements, default {@value #DEFAULT_MAX_FLOATS}, are made per
 * call and not kept).
 *
 * <p><b>Contents are unspecified</b>: an array may hold a previous call's values, and longer than asked.
 * A worker zeroes what it relies on being zero ({@link #zeroFloats} and friends) and reads nothing past
 * what it wrote or zeroed; the tests poison every array handed out ({@link #poison}) to prove it.
 *
 * <p>A call holds the scratch of every thread that ran one of its chunks until the call is done
 * ({@link Lease}): the backward pass's partial dK/dV of heads split between chunks are read by the
 * caller after the chunks. A thread whose scratch a call still holds (a second model's call that a kernel
 * thread ran in between, or a call nested inside a chunk) gets a scratch of its own for that call, which
 * is dropped afterwards, so concurrent calls never share arrays.
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

    private static final ThreadLocal<FlashScratch> OF_THREAD = ThreadLocal.withInitial(FlashScratch::new);

    /** A test's poison for every array handed out, or null. */
    private static volatile Float poison;

    /** Scratch made because a thread's own was held (concurrent or nested calls), since the JVM started. */
    static final AtomicInteger extra = new AtomicInteger();

    // the float arrays by use; the forward and backward workers name their own slots
    static final int KT = 0, TILE_A = 1, TILE_B = 2, TILE_C = 3, ROWS_A = 4, ROWS_B = 5, ROWS_C = 6, ROWS_D = 7,
            ACC_A = 8, ACC_B = 9, ACC_C = 10, PACK_A = 11, PACK_B = 12, RAW = 13, FLOAT_SLOTS = 14;
    static final int STAMPS = 0, PLAN = 1, EXTENTS = 2, INT_SLOTS = 3;

    private final AtomicBoolean held = new AtomicBoolean();
    private final float[][] floats = new float[FLOAT_SLOTS][];
    private final int[][] ints = new int[INT_SLOTS][];
    private boolean[] bools = new boolean[0];
    private long[] longs = new long[0];
    private float[][] partials = new float[0][];

    private FlashScratch() {}

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

    /** The scratch of one call's workers, given back to their threads when the call closes it. */
    static final class Lease implements AutoCloseable {
        private FlashScratch[] taken = new FlashScratch[2];
        private int count;

        private Lease() {}

        /**
         * The scratch of the calling thread (a worker's), held for this lease; or a scratch of its own
         * when another call holds the thread's, or with {@code -Dvisor.flashScratch=false}.
         *
         * @return the scratch, for one worker of this call
         */
        FlashScratch take() {
            FlashScratch mine = OF_THREAD.get();
            if (!ENABLED || !mine.held.compareAndSet(false, true)) {
                extra.incrementAndGet();
                return new FlashScratch();
            }
            synchronized (this) {
                if (count == taken.length) {
                    taken = Arrays.copyOf(taken, 2 * count);
                }
                taken[count++] = mine;
            }
            return mine;
        }

        /** Gives every taken scratch back (after the call's chunks and whatever reads their arrays). */
        @Override
        public synchronized void close() {
            for (int i = 0; i < count; i++) {
                taken[i].held.set(false);
                taken[i] = null;
            }
            count = 0;
        }
    }
}
