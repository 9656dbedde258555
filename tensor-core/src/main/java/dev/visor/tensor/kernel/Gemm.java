package dev.visor.tensor.kernel;

/**
 * Single-precision general matrix multiply on flat arrays, BLAS style:
 * {@code C = alpha · op(A) · op(B) + beta · C}, where {@code op(X)} is X or Xᵀ.
 *
 * <p>Matrices are row-major with a leading dimension (the distance between rows): element
 * {@code (i, j)} of A is {@code a[aOff + i * lda + j]} when A is not transposed. {@code op(A)} is
 * m×k, {@code op(B)} is k×n and C is m×n. When {@code beta == 0}, C's previous contents are ignored
 * (NaN in C does not leak through); when {@code alpha == 0} or {@code k == 0}, A and B are not read
 * and C becomes {@code beta · C} (the BLAS convention). C must not overlap A or B.
 *
 * <pre>{@code
 * // (64, 512) · (512, 2048)ᵀ-stored weight → (64, 2048)
 * Gemm.sgemm(false, true, 64, 2048, 512, 1f, x, 0, 512, w, 0, 512, 0f, y, 0, 2048);
 * // eight heads at once: scores[h] = q[h] · k[h]ᵀ, each (128, 64) · (64, 128)
 * Gemm.sgemmBatch(8, false, true, 128, 128, 64, 0.125f, q, 0, 64, 128 * 64,
 *                 k, 0, 64, 128 * 64, 0f, s, 0, 128, 128 * 128);
 * }</pre>
 *
 * <p>With the Vector API the work runs in {@code VectorGemm} (a packed, register-blocked kernel that
 * reaches most of the FMA peak), otherwise in {@code ScalarGemm} (plain Java shaped for the
 * auto-vectoriser). Products of fewer than four rows (decoding) skip packing and run as
 * {@link VecMath} dot products or axpys straight over B, which is what bounds them. Products of at least {@value #PARALLEL_MIN_WORK} multiply-adds are split across
 * {@link Parallel#threads()} cores, by rows or by columns, whichever divides more evenly; at 512 bits a
 * product deeper than one slab of packed B, or too narrow for each core to get more than one block
 * of it, splits its rows over one packed B that the cores share ({@code SharedGemm.shared}). The two
 * paths agree to float rounding, not bitwise (see {@code ScalarGemm}); the result does not depend
 * on the thread count, because each element of C is always summed in the same order.
 *
 * <p>Warm-up: C1 gives up on the unrolled vector kernel, so until C2 has compiled it (about a
 * second of products after start-up, longer on a busy machine) calls run in the interpreter and are
 * much slower than the scalar path; steady-state figures are in {@code benchmarks/README.md}.
 *
 * <p>{@link #reference} is the plain triple loop kept as the oracle for the fast kernels.
 */
public final class Gemm {
    /**
     * Products with fewer multiply-adds than this run on the calling thread: measured, 256³
     * (2²⁴) gained nothing from a second core (the hand-off and the uneven split of 5⅓ column
     * panels cost what the core gave), 512³ gained 55 %.
     */
    public static final long PARALLEL_MIN_WORK = 1L << 25;

    /** The threshold in force; tests lower it to split small products across threads. */
    private static volatile long parallelMinWork = PARALLEL_MIN_WORK;

    private Gemm() {}

    /** Sets the splitting threshold (tests only: small products then exercise the parallel paths). */
    static void setParallelMinWork(long work) {
        parallelMinWork = work;
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C} for row-major matrices at the given offsets and
     * leading dimensions, on up to {@link Parallel#threads()} cores.
     *
     * @param transA  whether {@code op(A) = Aᵀ} (A is then stored k×m)
     * @param transB  whether {@code op(B) = Bᵀ} (B is then stored n×k)
     * @param m       rows of op(A) and C
     * @param n       columns of op(B) and C
     * @param k       columns of op(A), rows of op(B)
     * @param alpha   scale of the product
     * @param a       storage of A; element {@code (r, s)} of stored A is {@code a[aOff + r * lda + s]}
     * @param aOff    offset of A's first element
     * @param lda     distance between rows of stored A (at least its column count)
     * @param b       storage of B, likewise
     * @param bOff    offset of B's first element
     * @param ldb     distance between rows of stored B
     * @param beta    scale of C's previous contents; 0 ignores them
     * @param c       storage of C (m×n), overwritten
     * @param cOff    offset of C's first element
     * @param ldc     distance between rows of C (at least n)
     * @throws IllegalArgumentException when a size is negative, a leading dimension is too small, a
     *     matrix does not fit its array, or C overlaps A or B in the same array
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Parallel.threads());
    }

    /**
     * A batch of equally shaped products at fixed strides:
     * {@code C_i = alpha · op(A_i) · op(B_i) + beta · C_i} for {@code i < batch}, where {@code A_i}
     * starts at {@code aOff + i * strideA} (likewise B and C). A stride of 0 reuses one matrix for
     * the whole batch (a shared weight). Small products are spread over the cores one product per
     * task (tiny ones in groups), which is how many attention heads' {@code QKᵀ} and {@code PV} run
     * at once; large ones run one after the other, each split across the cores: see
     * {@link #batchGrain}.
     *
     * @param batch   number of products (0 does nothing)
     * @param transA  whether {@code op(A) = Aᵀ} (A is then stored k×m)
     * @param transB  whether {@code op(B) = Bᵀ} (B is then stored n×k)
     * @param m       rows of op(A) and C, at least 0
     * @param n       columns of op(B) and C, at least 0
     * @param k       columns of op(A) and rows of op(B), at least 0
     * @param alpha   scale of the product
     * @param a       storage of A; element {@code (r, s)} of stored A is {@code a[aOff + r * lda + s]}
     * @param aOff    offset of {@code A_0}'s first element
     * @param lda     distance between rows of stored A (at least its column count)
     * @param strideA distance between consecutive A matrices in {@code a} (≥ 0)
     * @param b       storage of B, likewise
     * @param bOff    offset of {@code B_0}'s first element
     * @param ldb     distance between rows of stored B (at least its column count)
     * @param strideB distance between consecutive B matrices in {@code b} (≥ 0)
     * @param beta    scale of C's previous contents; 0 ignores them (NaN in C included)
     * @param c       storage of C (m×n), overwritten
     * @param cOff    offset of {@code C_0}'s first element
     * @param ldc     distance between rows of C (at least n)
     * @param strideC distance between consecutive C matrices in {@code c}; the C matrices must not
     *                overlap each other
     * @throws IllegalArgumentException as {@link #sgemm}, for the first or the last product, or
     *     for a negative batch or stride
     */
    public static void sgemmBatch(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  float[] a, int aOff, int lda, int strideA,
                                  float[] b, int bOff, int ldb, int strideB,
                                  float beta, float[] c, int cOff, int ldc, int strideC) {
        if (batch < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("batch and strides must be non-negative but got batch " + batch
                    + ", strides A " + strideA + ", B " + strideB + ", C " + strideC);
        }
        if (batch == 0) {
            return;
        }
        long cSpan = (long) (m - 1) * ldc + n;
        if (batch > 1 && m > 0 && n > 0 && strideC < cSpan) {
            throw new IllegalArgumentException("C stride " + strideC + " is smaller than one " + m + "×" + n
                    + " C matrix with ldc " + ldc + " (" + cSpan + " elements): the products would overlap");
        }
        long last = batch - 1L;
        if (aOff + last * strideA > Integer.MAX_VALUE || bOff + last * strideB > Integer.MAX_VALUE
                || cOff + last * strideC > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch " + batch + " with strides A " + strideA + ", B " + strideB
                    + ", C " + strideC + " runs past the largest array index");
        }
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        check(transA, transB, m, n, k, a, (int) (aOff + last * strideA), lda, b, (int) (bOff + last * strideB),
                ldb, c, (int) (cOff + last * strideC), ldc);
        if (m == 0 || n == 0) {
            return;
        }
        long work = (long) m * n * k;
        int grain = batchGrain(batch, work);
        if (grain >= batch) {
            for (int i = 0; i < batch; i++) {
                run(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                        beta, c, cOff + i * strideC, ldc, Parallel.threads());
            }
            return;
        }
        Parallel.forRange(batch, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                run(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                        beta, c, cOff + i * strideC, ldc, 1);
            }
        });
    }

    /**
     * The one policy for sharing a batch of equal products between the cores ({@link #sgemmBatch}
     * and the tensors' batched {@code matmul}): the number of products per task for
     * {@link Parallel#forRange}. A product of at least the splitting threshold runs alone, split
     * across the cores itself (the grain is then the whole batch); smaller ones are shared out one per
     * task, and tiny ones in groups of at least {@value #SMALL_PRODUCT} multiply-adds, so a hand-off
     * is never more than the work it moves. Each product is computed as on one thread, so the bits do
     * not depend on the thread count.
     *
     * @param batch number of products (≥ 1)
     * @param work  multiply-adds of one product ({@code m · n · k})
     * @return products per task for {@link Parallel#forRange}, in {@code [1, max(1, batch)]}; the whole batch when one product is large enough to split by itself
     */
    public static int batchGrain(int batch, long work) {
        if (work >= parallelMinWork) {
            return Math.max(1, batch);
        }
        return (int) Math.min(Math.max(1, batch), Math.max(1, SMALL_PRODUCT / Math.max(1, work)));
    }

    /** Products smaller than this many multiply-adds are grouped when a batch is shared out. */
    static final long SMALL_PRODUCT = 1L << 16;

    /** Runs a validated product on up to {@code threads} cores. */
    private static void run(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc, int threads) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m < SMALL_M && transB && !transA) {   // decoding: y = x Wᵀ, bound by reading W once
            MatVec.run(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
            return;
        }
        if (m < SMALL_M) {
            fewRows(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads);
            return;
        }
        boolean vector = VectorSupport.available();
        int mr = vector ? VectorGemm.MR : ScalarGemm.MR;
        int nr = vector ? VectorGemm.NR : ScalarGemm.NR;
        long work = (long) m * n * k;
        if (threads <= 1 || work < parallelMinWork) {
            block(vector, transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int colUnit = vector ? VectorGemm.L : nr;
        switch (split(vector, transA, m, n, k, threads)) {
            case SHARED -> SharedGemm.shared(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            case ROWS -> Parallel.forRange((m + mr - 1) / mr, 1, (from, to) -> block(vector, transA, transB,
                    from * mr, Math.min(m, to * mr), 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
            default -> Parallel.forRange((n + colUnit - 1) / colUnit, 1, (from, to) -> block(vector, transA, transB,
                    0, m, from * colUnit, Math.min(n, to * colUnit), k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc));
        }
    }

    /** How a product is split across cores: see {@link #split}. */
    enum Split {
        /** Rows, over one B packed once for all cores ({@code SharedGemm.shared}). */
        SHARED,
        /** Rows, each core packing all of B for its own rows. */
        ROWS,
        /** Columns, each core packing its own columns of B (and all of A). */
        COLUMNS
    }

    /**
     * The split of a product of at least the splitting threshold across {@code threads} cores. The
     * dimension whose busiest share is smallest; a row split makes every thread pack all of B, which
     * the model charges as PACK_COST multiply-adds per element of B. Columns are split in whole
     * vectors, not whole NR-wide panels: each thread packs its own B and ends on one narrower panel,
     * instead of one thread getting a whole panel more (512³ at NR = 48 split 288 / 224 columns).
     * Where {@code SharedGemm.prefersShared}, the rows go over one shared packed B when they split as
     * evenly as the columns, or, whatever their split, when a column share would be at most one
     * block of packed B ({@code SharedGemm.columnSharesInOneBlock}); whole MR-row panels never leave the
     * busiest core more than one panel over an even share. Before, with the 6-row AVX2 tile, 1 024 or
     * 2 048 rows never halved into whole panels, so the deep products 1024×512×2048 and 2048×512×1024
     * TN took the column split, each core packing all of A for half-width blocks.
     */
    static Split split(boolean vector, boolean transA, int m, int n, int k, int threads) {
        int mr = vector ? VectorGemm.MR : ScalarGemm.MR;
        int colUnit = vector ? VectorGemm.L : ScalarGemm.NR;
        long busiestRows = (long) Math.min(m, ceilDiv(ceilDiv(m, mr), threads) * mr) * n * k;
        long byRows = busiestRows + PACK_COST * (long) n * k;
        long byCols = (long) Math.min(n, ceilDiv(ceilDiv(n, colUnit), threads) * colUnit) * m * k;
        if (vector && SharedGemm.prefersShared(transA, n, k, threads)
                && (SHARED_ALWAYS || busiestRows <= byCols || SharedGemm.columnSharesInOneBlock(transA, n, k, threads))) {
            return Split.SHARED;
        }
        return byRows < byCols ? Split.ROWS : Split.COLUMNS;
    }

    /**
     * {@code -Dvisor.kernel.sharedAlways=true}: every product that {@code SharedGemm.prefersShared}
     * takes the shared packed B whatever its rows' split (default false: {@link #split}'s rule).
     * An A/B switch for the rule (how sq1024's shared B was measured against its column split at AVX2,
     * see {@code SharedGemm.columnSharesInOneBlock}). Same bits either way.
     */
    static final boolean SHARED_ALWAYS = KernelProperties.bool("visor.kernel.sharedAlways", false);

    /** Products with fewer rows than this (decoding one token) skip packing: see {@link #fewRows}. */
    private static final int SMALL_M = 4;

    /**
     * A product of a few rows, such as one decoded token through a layer, is bound by reading B
     * once: packing B would double that traffic and the MR-row kernel would waste most of its FMAs.
     * Each row of C is computed straight from B with {@link VecMath}: dot products against B's
     * rows when B is stored transposed, otherwise a sum of B's rows scaled by A's entries. Work is
     * split by columns of C; each element's summation order does not depend on the split.
     */
    private static void fewRows(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, int threads) {
        long work = (long) m * n * k;
        int grain = threads <= 1 || work < parallelMinWork ? n
                : (int) Math.max(16, Math.min(n, parallelMinWork / Math.max(1L, (long) m * k)));
        float[] rows = new float[m * k]; // op(A), row-major and contiguous
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                rows[i * k + p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            }
        }
        Parallel.forRange(n, grain, (from, to) -> {
            float[] acc = new float[to - from];
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                if (transB) {
                    for (int j = from; j < to; j++) {
                        acc[j - from] = VecMath.dot(rows, i * k, b, bOff + j * ldb, k);
                    }
                } else {
                    java.util.Arrays.fill(acc, 0f);
                    for (int p = 0; p < k; p++) {
                        VecMath.axpy(rows[i * k + p], b, bOff + p * ldb + from, acc, 0, to - from);
                    }
                }
                for (int j = from; j < to; j++) {
                    float v = acc[j - from];
                    c[ci + j] = beta == 0f ? v * alpha : Math.fma(v, alpha, c[ci + j] * beta);
                }
            }
        });
    }

    /**
     * Packing one element of B costs about this many multiply-adds of kernel time (it is read from
     * L3 or memory at roughly 0.3 ns, while a core retires about 100 multiply-adds per ns); measured
     * on 1024³, where a column split (3 % imbalance) beat a row split (each core packs all of B).
     */
    private static final long PACK_COST = 32;

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static void block(boolean vector, boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k,
                              float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        if (vector) {
            VectorGemm.block(transA, transB, m0, m1, n0, n1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            ScalarGemm.block(transA, transB, m0, m1, n0, n1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** {@code C = beta · C}, where beta == 0 writes zeros (so NaN does not survive). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm sizes must be non-negative but got m=" + m + ", n=" + n + ", k=" + k);
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        checkMatrix("A", transA ? "k×m" : "m×k", a, aOff, lda, aRows, aCols);
        checkMatrix("B", transB ? "n×k" : "k×n", b, bOff, ldb, bRows, bCols);
        checkMatrix("C", "m×n", c, cOff, ldc, m, n);
        if (m > 0 && n > 0) {
            checkNoOverlap("A", a, aOff, lda, aRows, aCols, c, cOff, ldc, m, n);
            checkNoOverlap("B", b, bOff, ldb, bRows, bCols, c, cOff, ldc, m, n);
        }
    }

    private static void checkMatrix(String name, String layout, float[] x, int off, int ld, int rows, int cols) {
        if (x == null) {
            throw new IllegalArgumentException(name + " array is null");
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("leading dimension of " + name + " is " + ld + " but " + name
                    + " is stored " + layout + " = " + rows + "×" + cols + ", so it must be at least " + Math.max(1, cols));
        }
        if (off < 0) {
            throw new IllegalArgumentException("offset of " + name + " is negative: " + off);
        }
        if (rows > 0 && cols > 0) {
            long end = off + (long) (rows - 1) * ld + cols;
            if (end > x.length) {
                throw new IllegalArgumentException(name + " (" + rows + "×" + cols + ", offset " + off + ", leading dimension "
                        + ld + ") needs " + end + " elements but its array has " + x.length);
            }
        }
    }

    private static void checkNoOverlap(String name, float[] x, int xOff, int ldx, int rows, int cols,
                                       float[] c, int cOff, int ldc, int m, int n) {
        if (x != c || rows == 0 || cols == 0) {
            return;
        }
        long xEnd = xOff + (long) (rows - 1) * ldx + cols;
        long cEnd = cOff + (long) (m - 1) * ldc + n;
        if (xOff < cEnd && cOff < xEnd) {
            throw new IllegalArgumentException("C (elements " + cOff + ".." + (cEnd - 1) + ") overlaps " + name
                    + " (elements " + xOff + ".." + (xEnd - 1) + ") in the same array");
        }
    }

    /**
     * The oracle: a plain triple loop, accumulated in double.
     *
     * @param transA  whether {@code op(A) = Aᵀ} (A is then stored k×m)
     * @param transB  whether {@code op(B) = Bᵀ} (B is then stored n×k)
     * @param m       rows of op(A) and C, at least 0
     * @param n       columns of op(B) and C, at least 0
     * @param k       columns of op(A) and rows of op(B), at least 0
     * @param alpha   scale of the product
     * @param a       storage of A; element {@code (r, s)} of stored A is {@code a[aOff + r * lda + s]}
     * @param aOff    offset of A's first element
     * @param lda     distance between rows of stored A (at least its column count)
     * @param b       storage of B, likewise
     * @param bOff    offset of B's first element
     * @param ldb     distance between rows of stored B (at least its column count)
     * @param beta    scale of C's previous contents; 0 ignores them (NaN in C included)
     * @param c       storage of C (m×n), overwritten
     * @param cOff    offset of C's first element
     * @param ldc     distance between rows of C (at least n)
     */
    public static void reference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * s + (beta == 0f ? 0.0 : (double) beta * c[ci]));
            }
        }
    }
}
