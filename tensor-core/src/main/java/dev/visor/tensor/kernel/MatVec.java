package dev.visor.tensor.kernel;

/**
 * The matrix–vector products of decoding: {@code C = alpha · A · Wᵀ + beta · C} for a few rows
 * {@code A (m × k)} — one decoded token per row — against a weight {@code W (n × k)} stored
 * row-major, as {@code Linear} keeps it ({@code y = x Wᵀ}).
 *
 * <p>Such a product does {@code 2·m·n·k} FLOP on {@code n·k} weights that are read once: it is bound
 * by memory bandwidth, not by the FMA units. So the kernel streams W exactly once, as two sequential
 * streams: output {@code t} is computed together with output {@code t + ⌈n/2⌉}, so a core reads row
 * {@code t} of the first half of W and row {@code t} of the second half side by side (one core keeps
 * more misses in flight with two streams far apart: a 256 MB W at 40 against 33 GB/s on Zen 5, about
 * the triad's rate, where two adjacent rows read 25). The pairs are cut into chunks of about 512 KB
 * handed to the cores in order (each chunk two contiguous stretches, which the hardware prefetchers
 * follow, and a core the OS preempts leaves its chunks to the other), while every row of A stays in
 * L1 — no packing, no second pass. The Vector API kernel keeps four independent accumulators per
 * output so the FMA latency never stalls the loads. Each output is summed by one thread in a fixed
 * order, the same whichever output it is paired with, so the bits depend neither on the pairing nor
 * on the thread count.
 *
 * <pre>{@code
 * // one token (1 × 512) through a 2048 × 512 weight: y = x Wᵀ
 * MatVec.multiply(1, 2048, 512, 1f, x, 0, 512, w, 0, 512, 0f, y, 0, 2048);
 * }</pre>
 *
 * <p>{@link Gemm#sgemm} sends products of fewer than 4 rows with a transposed B here;
 * {@link Gemm#reference} is the oracle.
 */
public final class MatVec {
    /** Chunks of work hold a multiple of this many rows of W. */
    static final int ROWS = 4;

    /**
     * Weights (floats) below which a product runs on the calling thread, and the fewest per chunk: a
     * hand-off to the other core costs a few microseconds, what reading about 128 KB from memory takes.
     */
    public static final long PARALLEL_MIN_WEIGHTS = 1L << 15;

    /**
     * Weights (floats) per chunk of work once a product is split: 512 KB, about a fifth of a
     * millisecond of one core's streaming. Each chunk restarts the prefetchers and claims a shared
     * counter; at 2 threads on Zen 5 (a token's products, best of 40 passes, three alternating runs at
     * load 2–3) chunks of 128 KB streamed 32.5–39.4 GB/s, of 32 KB 30.9–33.7, of 512 KB 39.2–46.6.
     * A product of fewer weights than {@code threads} such chunks is cut into one chunk per thread
     * (none under {@link #PARALLEL_MIN_WEIGHTS}).
     */
    static final long CHUNK_WEIGHTS = 1L << 17;

    private MatVec() {}

    /**
     * {@code C = alpha · A · Wᵀ + beta · C} on up to {@link Parallel#threads()} cores.
     *
     * @param m     rows of A and C (tokens), at least 0
     * @param n     rows of W, columns of C (output features), at least 0
     * @param k     columns of A and W (input features), at least 0
     * @param alpha scale of the product
     * @param a     storage of A; element {@code (i, p)} at {@code a[aOff + i·lda + p]}
     * @param aOff  offset of A's first element
     * @param lda   distance between rows of A (at least k)
     * @param w     storage of W; element {@code (j, p)} at {@code w[wOff + j·ldw + p]}
     * @param wOff  offset of W's first element
     * @param ldw   distance between rows of W (at least k)
     * @param beta  scale of C's previous contents; 0 ignores them (NaN included)
     * @param c     storage of C; element {@code (i, j)} at {@code c[cOff + i·ldc + j]}
     * @param cOff  offset of C's first element
     * @param ldc   distance between rows of C (at least n)
     * @throws IllegalArgumentException when a size is negative, a leading dimension too small or a
     *     matrix does not fit its array
     */
    public static void multiply(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("matrix–vector sizes must be non-negative but got m=" + m + ", n=" + n + ", k=" + k);
        }
        checkMatrix("A", a, aOff, lda, m, k);
        checkMatrix("W", w, wOff, ldw, n, k);
        checkMatrix("C", c, cOff, ldc, m, n);
        run(m, n, k, alpha, a, aOff, lda, w, wOff, ldw, beta, c, cOff, ldc, Parallel.threads());
    }

    /**
     * Whether products now run at full speed: the vector kernel is compiled and in use (its
     * {@link JitWarmup} gate has opened), or there is no vector kernel. Before, calls run the scalar
     * twin — the same bits, much slower — so a benchmark waits for this before it measures.
     *
     * @return true once calls no longer run the scalar twin for want of a compiled vector kernel
     */
    public static boolean warmedUp() {
        return !VectorSupport.available() || Warm.GATE.isReady();
    }

    /** Runs a validated product on up to {@code threads} cores, on the vector kernel once C2 has compiled it. */
    static void run(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                    float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc, int threads) {
        boolean vector = VectorSupport.available() && Warm.GATE.vectorReady((long) m * n * k);
        run(m, n, k, alpha, a, aOff, lda, w, wOff, ldw, beta, c, cOff, ldc, threads, vector);
    }

    /** As above on the path given: the vector kernel or its scalar twin (the same bits). */
    static void run(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                    float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc, int threads, boolean vector) {
        if (m == 0 || n == 0) {
            return;
        }
        // W is read as two streams: output t is paired with output t + half (half = ⌈n/2⌉), and each
        // unit of work is such a pair, so a thread streams two stretches of W half the matrix apart
        // side by side (one core keeps more misses in flight than with one stream). Chunks of about
        // CHUNK_WEIGHTS weights (units t0 .. t1-1: rows t0 .. t1-1 and half+t0 .. half+t1-1) are handed
        // out in order to whichever thread asks next, so a thread the OS preempts (a busy machine)
        // leaves its share to the other instead of holding up the product
        int half = (n + 1) / 2;
        long chunkWeights = Math.max(PARALLEL_MIN_WEIGHTS, Math.min(CHUNK_WEIGHTS, (long) n * k / Math.max(1, threads)));
        int unitsPerChunk = (int) Math.min(half, Math.max(ROWS / 2, chunkWeights / Math.max(1, 2L * k) / (ROWS / 2) * (ROWS / 2)));
        int chunks = (half + unitsPerChunk - 1) / unitsPerChunk;
        int lanes = lanes();
        if (threads <= 1 || chunks <= 1) {
            units(0, half, half, n, m, k, alpha, a, aOff, lda, w, wOff, ldw, beta, c, cOff, ldc, vector, lanes);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Parallel.forRange(Math.min(threads, chunks), 1, (from, to) -> {
            for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
                int t0 = chunk * unitsPerChunk;
                units(t0, Math.min(half, t0 + unitsPerChunk), half, n, m, k, alpha, a, aOff, lda, w, wOff, ldw, beta,
                        c, cOff, ldc, vector, lanes);
            }
        });
    }

    /** Outputs {@code t0 .. t1−1} and {@code half+t0 .. half+t1−1} (those below n) of every row, on the path given. */
    private static void units(int t0, int t1, int half, int n, int m, int k, float alpha, float[] a, int aOff, int lda,
                              float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc, boolean vector, int lanes) {
        if (vector) {
            VectorMatVec.pairs(t0, t1, half, n, m, k, alpha, a, aOff, lda, w, wOff, ldw, beta, c, cOff, ldc);
        } else {
            scalarRows(t0, t1, m, k, alpha, a, aOff, lda, w, wOff, ldw, beta, c, cOff, ldc, lanes);
            scalarRows(half + t0, Math.min(n, half + t1), m, k, alpha, a, aOff, lda, w, wOff, ldw, beta, c, cOff, ldc, lanes);
        }
    }

    /** The vector kernel's lane count, or 8 (any count is right) without the Vector API. */
    static int lanes() {
        return VectorSupport.available() ? VectorMatVec.LANES : 8;
    }

    /**
     * The scalar twin of {@link VectorMatVec#rows}: outputs {@code j0 .. j1−1} of every row, each a
     * dot product summed exactly as the vector kernel sums it with {@code lanes} lanes — four sets of
     * lane accumulators over steps of {@code 4·lanes}, one more set of lanes into the first, the sets
     * added as {@code (s0 + s1) + (s2 + s3)}, the lanes by the butterfly of
     * {@link VectorLanes#sumFixedOrder}, the tail by FMA — so the two paths give the same bits.
     */
    static void scalarRows(int j0, int j1, int m, int k, float alpha, float[] a, int aOff, int lda,
                           float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc, int lanes) {
        float[] acc = new float[4 * lanes];
        for (int j = j0; j < j1; j++) {
            int wj = wOff + j * ldw;
            for (int i = 0; i < m; i++) {
                store(c, cOff + i * ldc + j, twinDot(a, aOff + i * lda, w, wj, k, lanes, acc), alpha, beta);
            }
        }
    }

    /** {@code VectorMatVec.dot} lane by lane: acc holds the four accumulators' lanes. */
    private static float twinDot(float[] a, int ai, float[] w, int wj, int k, int lanes, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        int p = 0;
        for (int bound = k - 4 * lanes; p <= bound; p += 4 * lanes) {
            for (int l = 0; l < 4 * lanes; l++) {
                acc[l] = Math.fma(w[wj + p + l], a[ai + p + l], acc[l]);
            }
        }
        for (int bound = k - k % lanes; p < bound; p += lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[l] = Math.fma(w[wj + p + l], a[ai + p + l], acc[l]);
            }
        }
        for (int l = 0; l < lanes; l++) {               // (s0 + s1) + (s2 + s3)
            acc[l] = (acc[l] + acc[lanes + l]) + (acc[2 * lanes + l] + acc[3 * lanes + l]);
        }
        float r = laneSum(acc, 0, lanes);
        for (; p < k; p++) {
            r = Math.fma(a[ai + p], w[wj + p], r);
        }
        return r;
    }

    /**
     * The sum of {@code lanes} values at {@code x[off..]} in the order of
     * {@link VectorLanes#sumFixedOrder}'s butterfly (lane i plus lane i xor L/2, then xor L/4, …),
     * so the same bits: only the values lane 0 depends on are added. Overwrites {@code x[off..off+lanes/2)}.
     */
    static float laneSum(float[] x, int off, int lanes) {
        for (int half = lanes / 2; half >= 1; half /= 2) {
            for (int l = 0; l < half; l++) {
                x[off + l] += x[off + l + half];
            }
        }
        return x[off];
    }

    /** The warm-up gate of the vector kernel, created on first use. */
    private static final class Warm {
        private static final int PROBE_N = 4;
        private static final int PROBE_K = 64;
        private static final float[] PA = new float[PROBE_K];
        private static final float[] PW = new float[PROBE_N * PROBE_K];
        private static final float[] PC = new float[PROBE_N];
        /** About 16 calls of 1×512·(2048×512)ᵀ on the scalar twin: short programs never start the warm-up thread. */
        static final JitWarmup GATE = new JitWarmup("matvec", 1L << 24,
                () -> VectorMatVec.pairs(0, PROBE_N / 2, PROBE_N / 2, PROBE_N, 1, PROBE_K, 1f, PA, 0, PROBE_K, PW, 0, PROBE_K,
                        0f, PC, 0, PROBE_N),
                () -> scalarRows(0, PROBE_N, 1, PROBE_K, 1f, PA, 0, PROBE_K, PW, 0, PROBE_K, 0f, PC, 0, PROBE_N, lanes()));
    }

    /** {@code c[idx] = alpha·s + beta·c[idx]}, with beta 0 ignoring the old value. */
    static void store(float[] c, int idx, float s, float alpha, float beta) {
        c[idx] = beta == 0f ? s * alpha : Math.fma(s, alpha, c[idx] * beta);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (off < 0 || ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(name + " has offset " + off + " and leading dimension " + ld
                    + " but needs offset ≥ 0 and leading dimension ≥ " + Math.max(1, cols));
        }
        if (rows > 0 && cols > 0 && (long) off + (long) (rows - 1) * ld + cols > x.length) {
            throw new IllegalArgumentException(name + " (" + rows + "×" + cols + ", offset " + off + ", leading dimension "
                    + ld + ") does not fit an array of " + x.length);
        }
    }
}
