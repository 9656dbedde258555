package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SharedGemm#shared}, the split over one packed B shared by the cores, at whatever width this
 * JVM runs (Surefire runs it at 512 bits, AVX2 and 128 bits): bit for bit the one-thread
 * {@link VectorGemm#block}, and close to the reference.
 */
class SharedPackedBTest {

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} threads={5}")
    @CsvSource({
        // k past every KC: several slabs, all packed at once (MC rows at a time through them at 512 bits)
        "150, 70, 1100, false, false, 2",
        "150, 70, 1100, true, false, 2",
        "150, 70, 1100, false, true, 2",
        "150, 70, 1100, true, true, 3",
        // an edge row panel, beta != 0 on a one-slab product (k just past KC runs as one slab)
        "37, 101, 600, false, true, 2",
        "37, 101, 600, true, false, 3",
        // one slab, n past the blocks one pack split holds: two pack-and-compute rounds
        "12, 4100, 40, false, false, 2",
        "17, 4100, 40, false, true, 2",
        // k · nc past PACK_ALL_MAX: one slab per pack split
        "20, 300, 11000, false, true, 2",
        // fewer row panels than shares
        "5, 60, 30, false, false, 3",
    })
    void matchesOneThreadBitForBitAndTheReference(int m, int n, int k, boolean transA, boolean transB, int threads) {
        assumeTrue(VectorSupport.available(), "the shared split is part of the vector path");
        var rng = new SplittableRandom(m * 131L + n * 17L + k * 3L + (transA ? 1 : 0) + (transB ? 2 : 0));
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 1;
        int ldc = n + 2;
        float[] a = GemmCheck.random(rng, 4 + (transA ? k : m) * lda);
        float[] b = GemmCheck.random(rng, 2 + (transB ? n : k) * ldb);
        float[] c0 = GemmCheck.random(rng, 1 + m * ldc);
        float[] one = c0.clone();
        VectorGemm.block(transA, transB, 0, m, 0, n, k, -0.75f, a, 4, lda, b, 2, ldb, 1.25f, one, 1, ldc);
        float[] shared = c0.clone();
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            SharedGemm.shared(transA, transB, m, n, k, -0.75f, a, 4, lda, b, 2, ldb, 1.25f, shared, 1, ldc);
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(one, shared, "sharing packed B between " + threads + " threads must not change any element's sum");
        float[] expected = c0.clone();
        Gemm.reference(transA, transB, m, n, k, -0.75f, a, 4, lda, b, 2, ldb, 1.25f, expected, 1, ldc);
        GemmCheck.assertClose("shared", transA, transB, m, n, k, -0.75f, a, 4, lda, b, 2, ldb, 1.25f, c0, expected,
                shared, 1, ldc);
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        assumeTrue(VectorSupport.available(), "the shared split is part of the vector path");
        int m = 40;
        int n = 90;
        int k = 1100;
        var rng = new SplittableRandom(5);
        float[] a = GemmCheck.random(rng, m * k);
        float[] b = GemmCheck.random(rng, k * n);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            SharedGemm.shared(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        } finally {
            Parallel.setThreads(before);
        }
        float[] expected = new float[m * n];
        Gemm.reference(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        GemmCheck.assertClose("shared", false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, new float[m * n], expected,
                c, 0, n);
    }

    @Test
    void deepProductsShareBWhereverTheDeepSwitchIsOnAndNarrowOnesOnlyUnderTheFullRule() {
        assumeTrue(VectorSupport.available(), "VectorGemm loads only with the Vector API");
        int deepK = 4 * VectorGemm.KC + 1;       // past one slab and past the one-slab limit
        int shallowK = 8;
        int wide = 64 * VectorGemm.NC_MAX;        // more than one block of packed B per column share
        int narrow = VectorGemm.NR;               // at most one block per share
        for (boolean transA : new boolean[] {false, true}) {
            // the 4 x 3 tile reads an untransposed A in place: its deep products keep the columns
            assertEquals(transA || !SharedGemm.DEEP_COLUMNS_IN_PLACE,
                    SharedGemm.prefersShared(transA, wide, deepK, 2, false, true), "deep, deep switch on");
            assertFalse(SharedGemm.prefersShared(transA, wide, deepK, 2, false, false), "deep, both off");
            assertFalse(SharedGemm.prefersShared(transA, narrow, shallowK, 2, false, true),
                    "a narrow one-slab product does not follow the deep switch");
            assertTrue(SharedGemm.prefersShared(transA, narrow, shallowK, 2, true, true), "narrow, full rule");
            assertFalse(SharedGemm.prefersShared(transA, wide, shallowK, 2, true, true), "wide and one slab: columns");
        }
        assertEquals(tiles4x3InPlace(), SharedGemm.DEEP_COLUMNS_IN_PLACE);
        boolean forced = System.getProperty("visor.kernel.sharedB") != null;
        MachineShape.GemmTiles tiles = MachineShape.current().gemm();
        if (!forced) {
            // the defaults: everything under row blocking (512 bits), deep products at the 16-register tiles
            assertEquals(tiles.mc() > 0, SharedGemm.SHARED_B, tiles.tile() + ", MC " + tiles.mc());
            assertEquals(tiles.mc() > 0 || tiles.tile().equals("6x2") || tiles.tile().equals("4x3"), SharedGemm.SHARED_DEEP_B,
                    tiles.tile() + ", MC " + tiles.mc());
        }
    }

    private static boolean tiles4x3InPlace() {
        MachineShape.GemmTiles tiles = MachineShape.current().gemm();
        return tiles.tile().equals("4x3") && !VectorGemm.PACK_A;
    }
}
