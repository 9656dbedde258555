package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Examples of {@link Gemm}: products that cross the kernel's blocking, special cases and errors. */
class GemmTest {

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} threads={5}")
    @CsvSource({
        // k > 256 crosses the packed depth of a transposed A (KC_TRANSPOSED_A), k > 512 any packed
        // depth up to 512 (beta then applies on the first block only)
        "37, 50, 300, false, false, 1",
        "37, 50, 300, true, true, 1",
        "37, 50, 1100, false, false, 1",
        "37, 50, 1100, false, true, 1",
        "20, 40, 600, true, false, 1",
        // a transposed A has a block of B twice as wide (same bytes, half the depth): n > 1024 crosses it
        "9, 1100, 300, true, false, 1",
        // n > 512 crosses the packed width; 9 rows leave one edge row
        "9, 600, 70, false, true, 1",
        "9, 600, 70, true, false, 2",
        // large enough (≥ 2^25 multiply-adds) to split across threads at the default threshold
        "300, 260, 450, false, false, 2",
        "130, 600, 450, true, true, 2",
        "300, 260, 600, false, false, 2",
        "280, 300, 700, false, true, 2",
        "1, 1, 1, false, false, 2",
        "1, 513, 1, false, false, 1",
        // more rows than VectorGemm.MC with k past KC: B packed for all of k, MC rows at a time
        // through every slab (a short last slab, a short last row block with an edge row panel)
        "101, 70, 1100, false, false, 1",
        "101, 70, 1100, false, true, 1",
        "101, 70, 600, true, false, 1",
        "101, 70, 600, true, true, 1",
        // k · nc past VectorGemm.PACK_ALL_MAX at 512 bits (11000 · 192 floats): the slabs one at a time again
        "50, 300, 11000, false, true, 1",
    })
    void matchesTheReferenceAcrossBlocks(int m, int n, int k, boolean transA, boolean transB, int threads) {
        var rng = new SplittableRandom(m * 31L + n * 7L + k);
        int lda = (transA ? m : k) + 1;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 3;
        float[] a = GemmCheck.random(rng, 2 + (transA ? k : m) * lda);
        float[] b = GemmCheck.random(rng, 1 + (transB ? n : k) * ldb);
        float[] c0 = GemmCheck.random(rng, 4 + m * ldc);
        float[] expected = c0.clone();
        Gemm.reference(transA, transB, m, n, k, -1.25f, a, 2, lda, b, 1, ldb, 0.5f, expected, 4, ldc);
        float[] actual = c0.clone();
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Gemm.sgemm(transA, transB, m, n, k, -1.25f, a, 2, lda, b, 1, ldb, 0.5f, actual, 4, ldc);
        } finally {
            Parallel.setThreads(before);
        }
        GemmCheck.assertClose("sgemm", transA, transB, m, n, k, -1.25f, a, 2, lda, b, 1, ldb, 0.5f,
                c0, expected, actual, 4, ldc);
    }

    @Test
    void aColumnSplitEndingInsidePanelsMatchesOneThreadBitForBit() {
        // an odd number of vectors of columns: split in whole vectors, each core ends on a narrow
        // panel (with NR-wide units the cores would get 2 and 1 panels)
        int lanes = VectorSupport.available() ? VectorGemm.L : 1;
        int nr = VectorSupport.available() ? VectorGemm.NR : ScalarGemm.NR;
        int m = 40;
        int n = 2 * nr + 3 * lanes;
        int k = 300;
        var rng = new SplittableRandom(11);
        float[] a = GemmCheck.random(rng, m * k);
        float[] b = GemmCheck.random(rng, k * n);
        float[] c0 = GemmCheck.random(rng, m * n);
        float[] one = c0.clone();
        float[] two = c0.clone();
        GemmProperties.withThreads(1, () -> Gemm.sgemm(false, false, m, n, k, 0.5f, a, 0, k, b, 0, n, 1.5f, one, 0, n));
        GemmProperties.withThreads(2, () -> Gemm.sgemm(false, false, m, n, k, 0.5f, a, 0, k, b, 0, n, 1.5f, two, 0, n));
        assertArrayEquals(one, two, "the split must not change any element's summation");
        float[] expected = c0.clone();
        Gemm.reference(false, false, m, n, k, 0.5f, a, 0, k, b, 0, n, 1.5f, expected, 0, n);
        GemmCheck.assertClose("sgemm", false, false, m, n, k, 0.5f, a, 0, k, b, 0, n, 1.5f, c0, expected, two, 0, n);
    }

    @Test
    void aProductUpToTwoSlabsDeepMatchesTheReferenceAndItsColumnSplit() {
        // k just past KC: the vector path runs it as one slab of depth k (VectorGemm.ONE_SLAB_MAX), the
        // scalar one as slabs; short last row and column panels, beta != 0, both layouts of B
        int kc = VectorSupport.available() ? VectorGemm.KC : 256;
        int nr = VectorSupport.available() ? VectorGemm.NR : ScalarGemm.NR;
        int m = 61;
        int n = 2 * nr + 5;
        int k = kc + 77;
        var rng = new SplittableRandom(29);
        for (boolean transB : new boolean[] {false, true}) {
            float[][] x = GemmCheck.operands(rng, m, n, k);
            float[] one = x[2].clone();
            float[] two = x[2].clone();
            int ldb = transB ? k : n;
            GemmProperties.withThreads(1, () -> Gemm.sgemm(false, transB, m, n, k, 0.75f, x[0], 0, k, x[1], 0, ldb,
                    -0.5f, one, 0, n));
            GemmProperties.withThreads(2, () -> Gemm.sgemm(false, transB, m, n, k, 0.75f, x[0], 0, k, x[1], 0, ldb,
                    -0.5f, two, 0, n));
            assertArrayEquals(one, two, "transB=" + transB + ": the split must not change any element's summation");
            float[] expected = x[2].clone();
            Gemm.reference(false, transB, m, n, k, 0.75f, x[0], 0, k, x[1], 0, ldb, -0.5f, expected, 0, n);
            GemmCheck.assertClose("sgemm", false, transB, m, n, k, 0.75f, x[0], 0, k, x[1], 0, ldb, -0.5f, x[2],
                    expected, one, 0, n);
        }
    }

    @Test
    void rowBlocksThroughAllSlabsMatchStripsBitForBit() {
        // 150 rows (more than VectorGemm.MC) with k past every KC take the path that packs B for all
        // of k and walks MC rows through each slab; strips of 30 rows take the slab-by-slab path.
        // Each element sums the same slabs in the same order either way, so the bits must agree.
        int m = 150;
        int n = 70;
        int k = 1100;
        var rng = new SplittableRandom(23);
        for (boolean transA : new boolean[] {false, true}) {
            float[][] x = GemmCheck.operands(rng, m, n, k);
            float[] a = x[0];
            float[] b = x[1];
            float[] whole = x[2].clone();
            float[] strips = x[2].clone();
            int lda = transA ? m : k;
            GemmProperties.withThreads(1, () -> {
                Gemm.sgemm(transA, false, m, n, k, 0.5f, a, 0, lda, b, 0, n, 1.5f, whole, 0, n);
                for (int r = 0; r < m; r += 30) {
                    Gemm.sgemm(transA, false, 30, n, k, 0.5f, a, transA ? r : r * k, lda, b, 0, n, 1.5f,
                            strips, r * n, n);
                }
            });
            assertArrayEquals(strips, whole, "transA=" + transA + ": the row blocking must not change any sum");
        }
    }

    @Test
    void oneBatchPolicyForEveryCaller() {
        // a product the GEMM splits itself runs alone: the whole batch is one task
        assertEquals(8, Gemm.batchGrain(8, Gemm.PARALLEL_MIN_WORK));
        assertEquals(3, Gemm.batchGrain(3, 1024L * 1024 * 1024));
        // medium products (64 heads' 128×128×64 scores) are shared out one per task
        assertEquals(1, Gemm.batchGrain(64, 128L * 128 * 64));
        // tiny ones are grouped to at least 2^16 multiply-adds per task, never past the batch
        assertEquals(64, Gemm.batchGrain(1000, 1024));
        assertEquals(5, Gemm.batchGrain(5, 1024));
        assertEquals(1, Gemm.batchGrain(1, 1));
        assertEquals(1 << 16, Gemm.batchGrain(Integer.MAX_VALUE, 0));
    }

    @Test
    void multipliesASmallExampleExactly() {
        float[] a = {1, 2, 3, 4, 5, 6};       // (2, 3)
        float[] b = {7, 8, 9, 10, 11, 12};    // (3, 2)
        float[] c = {1, 1, 1, 1};             // (2, 2)
        Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 2f, c, 0, 2);
        assertArrayEquals(new float[] {60, 66, 141, 156}, c);
    }

    @Test
    void zeroDepthOrZeroAlphaOnlyScalesC() {
        float[] c = {1, Float.NaN, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c, "beta = 0 clears C, NaN included");
        float[] d = {1, 2, 3, 4};
        float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 2, 2, 2, 0f, nan, 0, 2, nan, 0, 2, 3f, d, 0, 2);
        assertArrayEquals(new float[] {3, 6, 9, 12}, d, "alpha = 0 does not read A or B");
    }

    @Test
    void emptyProductsDoNothing() {
        float[] c = {5};
        Gemm.sgemm(false, false, 0, 1, 3, 1f, new float[0], 0, 3, new float[3], 0, 1, 0f, c, 0, 1);
        Gemm.sgemm(false, false, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 1, 0f, c, 0, 1);
        Gemm.sgemmBatch(0, false, false, 1, 1, 1, 1f, null, 0, 1, 0, null, 0, 1, 0, 0f, null, 0, 1, 0);
        assertEquals(5f, c[0]);
    }

    @Test
    void rejectsBadSizesWithTheOffendingValues() {
        float[] x = new float[16];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, new float[4], 0, 2));
        assertEquals("sgemm sizes must be non-negative but got m=-1, n=2, k=2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(true, false, 3, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, new float[6], 0, 2));
        assertEquals("leading dimension of A is 2 but A is stored k×m = 2×3, so it must be at least 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, new float[3], 0, 2, 0f, new float[4], 0, 2));
        assertEquals("B (2×2, offset 0, leading dimension 2) needs 4 elements but its array has 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, -1, 2, x, 0, 2, 0f, new float[4], 0, 2));
        assertEquals("offset of A is negative: -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, null, 0, 2, x, 0, 2, 0f, new float[4], 0, 2));
        assertEquals("A array is null", e.getMessage());
    }

    @Test
    void rejectsCOverlappingAnOperand() {
        float[] x = new float[16];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x, 8, 2, 0f, x, 2, 2));
        assertEquals("C (elements 2..5) overlaps A (elements 0..3) in the same array", e.getMessage());
        // disjoint windows of one array are fine
        Arrays.fill(x, 1f);
        Gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x, 4, 2, 0f, x, 8, 2);
        assertArrayEquals(new float[] {2, 2, 2, 2}, Arrays.copyOfRange(x, 8, 12));
    }

    @Test
    void rejectsBatchesWhoseOutputsOverlap() {
        float[] x = new float[64];
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatch(2, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 8, 2, 4, 0f, new float[8], 0, 2, 3));
        assertEquals("C stride 3 is smaller than one 2×2 C matrix with ldc 2 (4 elements): the products would overlap",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatch(3, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 0, 0f, new float[8], 0, 2, 4));
        assertTrue(e.getMessage().startsWith("C (2×2, offset 8, leading dimension 2) needs 12 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatch(-1, false, false, 2, 2, 2, 1f, x, 0, 2, 4, x, 0, 2, 0, 0f, x, 0, 2, 4));
        assertEquals("batch and strides must be non-negative but got batch -1, strides A 4, B 0, C 4", e.getMessage());
    }
}
