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
 * {@link Gemm#split}, how a product is shared between cores, at whatever width this JVM runs
 * (Surefire runs it at 512 bits, AVX2 and 128 bits): the deep products whose column shares would be
 * at most one block of packed B wide take the shared packed B even when their rows split one
 * MR-row panel unevenly (with the 6-row AVX2 tile 1 024 rows are 171 panels), and every split gives
 * the one-thread bits.
 */
class GemmSplitTest {

    @Test
    void columnSharesInOneBlockAreThoseOfAtMostOneBlockOfPackedB() {
        assumeTrue(VectorSupport.available(), "VectorGemm loads only with the Vector API");
        int deepK = 4 * VectorGemm.KC + 1;
        for (boolean transA : new boolean[] {false, true}) {
            int block = Math.max(VectorGemm.NR, VectorGemm.NC_MAX * VectorGemm.KC
                    / (transA ? Math.min(VectorGemm.KC, VectorGemm.KC_TRANSPOSED_A) : VectorGemm.KC));
            assertTrue(SharedGemm.columnSharesInOneBlock(transA, 2 * block - 1, deepK, 2), "just under two blocks, 2 shares");
            assertTrue(SharedGemm.columnSharesInOneBlock(transA, 2 * block, deepK, 2), "one whole block per share");
            assertFalse(SharedGemm.columnSharesInOneBlock(transA, 2 * block + 1, deepK, 2), "a share past one block");
            assertTrue(SharedGemm.columnSharesInOneBlock(transA, 3 * block, deepK, 3), "three blocks over 3 shares");
            assertFalse(SharedGemm.columnSharesInOneBlock(transA, 4 * block, deepK, 2), "two blocks per share");
        }
    }

    @Test
    void theLayersDeepProductsShareBAtTheSixRowTileAndTheWideOnesSplitColumns() {
        assumeTrue(VectorSupport.available(), "VectorGemm loads only with the Vector API");
        MachineShape.GemmTiles tiles = MachineShape.current().gemm();
        assumeTrue(tiles.tile().equals("6x2") && SharedGemm.SHARED_DEEP_B && System.getProperty("visor.kernel.sharedB") == null,
                "the 16-register AVX2 tile with its default switches");
        // ffnDown 1024×512×2048 and gradW 2048×512×1024 TN: 171 and 342 row panels, column shares of 256
        assertEquals(Gemm.Split.SHARED, Gemm.split(true, false, 1024, 512, 2048, 2), "ffnDown");
        assertEquals(Gemm.Split.SHARED, Gemm.split(true, true, 2048, 512, 1024, 2), "gradW");
        // one whole block of packed B per column share (NC 512): shared too (sq1024), unless one slab of 1024
        // runs in packed row blocks (the default's one slab up to 1024 on JDKs after 17): then its columns;
        // two blocks: the columns stay (sq2048)
        boolean rowBlocks = RowBlockGemm.ON && VectorGemm.kcMax(false, 1024) > 2 * VectorGemm.KC;
        assertEquals(rowBlocks, SharedGemm.deepColumns(1024));
        assertEquals(rowBlocks ? Gemm.Split.COLUMNS : Gemm.Split.SHARED, Gemm.split(true, false, 1024, 1024, 1024, 2), "sq1024");
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(true, false, 2048, 2048, 2048, 2), "sq2048");
        // one slab: the deep rule does not apply
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(true, false, 1024, 512, 512, 2), "proj");
        // a narrow deep product of few rows: 3 panels of 6 over 2 cores, 12 rows against 8.5
        assertEquals(Gemm.Split.SHARED, Gemm.split(true, false, 17, 64, 2048, 2), "17 rows");
    }

    @Test
    void underTheFourRowTileOnlyATransposedAsDeepProductsShareB() {
        assumeTrue(VectorSupport.available(), "VectorGemm loads only with the Vector API");
        MachineShape.GemmTiles tiles = MachineShape.current().gemm();
        assumeTrue(tiles.tile().equals("4x3") && SharedGemm.DEEP_COLUMNS_IN_PLACE
                        && System.getProperty("visor.kernel.sharedB") == null,
                "the 16-register AVX2 tile with its default switches");
        // A read in place: neither split packs it, so the deep products keep the columns
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(true, false, 1024, 512, 2048, 2), "ffnDown");
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(true, false, 2048, 2048, 2048, 2), "sq2048");
        // a transposed A is packed: shared, each core packing its own rows
        assertEquals(Gemm.Split.SHARED, Gemm.split(true, true, 2048, 512, 1024, 2), "gradW");
        // one slab (k up to 1024 at KC 512): the columns
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(true, false, 1024, 1024, 1024, 2), "sq1024");
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(true, false, 1024, 512, 512, 2), "proj");
    }

    @Test
    void evenRowsOverADeepProductShareBWhereverTheDeepSwitchIsOn() {
        assumeTrue(VectorSupport.available(), "VectorGemm loads only with the Vector API");
        int m = 2 * VectorGemm.MR * 50;
        int k = 4 * VectorGemm.KC + 1;
        assertEquals(SharedGemm.prefersShared(false, 512, k, 2) ? Gemm.Split.SHARED : Gemm.Split.COLUMNS,
                Gemm.split(true, false, m, 512, k, 2));
        assertEquals(Gemm.Split.COLUMNS, Gemm.split(false, false, m, 512, k, 2), "the scalar path has no shared B");
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({
        // rows one panel from even (3 panels at MR 6, 2·MR+1 panels at 8), narrow and deep
        "17, 40, 1100, false, true",
        "17, 40, 1100, true, false",
        "25, 40, 1100, false, false",
        "31, 72, 700, true, true",
    })
    void everySplitGivesTheOneThreadBits(int m, int n, int k, boolean transA, boolean transB) {
        var rng = new SplittableRandom(m * 31L + n * 7L + k + (transA ? 1 : 0) + (transB ? 2 : 0));
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        float[] a = GemmCheck.random(rng, (transA ? k : m) * lda);
        float[] b = GemmCheck.random(rng, (transB ? n : k) * ldb);
        float[] c0 = GemmCheck.random(rng, m * n);
        float[] one = c0.clone();
        float[] two = c0.clone();
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1.5f, one, 0, n);
            Parallel.setThreads(2);
            Gemm.setParallelMinWork(1);
            Gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1.5f, two, 0, n);
        } finally {
            Gemm.setParallelMinWork(Gemm.PARALLEL_MIN_WORK);
            Parallel.setThreads(before);
        }
        assertArrayEquals(one, two, "2 threads (" + Gemm.split(VectorSupport.available(), transA, m, n, k, 2)
                + ") must give the one-thread bits");
    }
}
