package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RowBlockGemm}, the 4 × 3 tile's loop order over a whole packed slab of B (Surefire's AVX2 run
 * has it on by default, and its 6 × 2 run on the packed row blocks of that tile): bit for bit the row-panel order it replaces, the same packed slabs run
 * through {@link VectorGemm#rowPanels} a row panel at a time, for blocks that span several row blocks
 * and slabs, end on edge rows and on split or narrow panels, with beta 0 and not and B stored either
 * way. A product is also checked against the reference within rounding. A loop that skipped a row
 * block, a panel or the edge rows, or merged a slab twice, fails here.
 */
class RowBlockGemmTest {

    @ParameterizedTest(name = "{0}x{1}x{2} beta={3} transB={4}")
    @CsvSource({
        "7, 25, 9, 0, false",          // one row panel and edge rows; a split last pair of panels
        "70, 100, 300, 0.5, false",    // edge rows (70 = 17·4 + 2), a narrow last panel
        "130, 49, 1030, 0, true",      // two slabs at KC 512 plus one past the one-slab bound
        "300, 72, 40, -1, false",      // several row blocks at a shallow depth (rows(40) rows each)
        "64, 512, 64, 1, true",        // the width that splits 20 panels of 24 and two of 16
        "70, 100, 700, 0.5, false",    // one slab past 2·KC: the 6 x 2 tile's packed row blocks too
        "13, 50, 1000, 0, true",       // ... on edge rows only past the first panel
    })
    void rowBlocksGiveTheRowPanelOrdersBits(int m, int n, int k, float beta, boolean transB) {
        assumeTrue(VectorSupport.available() && RowBlockGemm.ON, "the 4 x 3 tile on A in place, or the 6 x 2 tile");
        var rng = new SplittableRandom(m * 31L + n * 7L + k);
        int lda = k + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 5;
        float[] a = GemmCheck.random(rng, m * lda);
        float[] b = GemmCheck.random(rng, (transB ? n : k) * ldb);
        float[] c0 = GemmCheck.random(rng, m * ldc);
        float alpha = 1.25f;
        int kcMax = VectorGemm.kcMax(false, k);
        assumeTrue(RowBlockGemm.takes(false, kcMax, n), "fits one packed slab");

        float[] blocks = c0.clone();
        RowBlockGemm.block(transB, 0, m, 0, n, k, kcMax, alpha, a, 0, lda, b, 0, ldb, beta, blocks, 0, ldc);

        float[] panels = c0.clone();
        VectorGemm.Workspace ws = VectorGemm.WORKSPACE.get();
        float[] bp = new float[(n + VectorGemm.NR - 1) / VectorGemm.NR * VectorGemm.NR * kcMax];
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            GemmPack.packB(transB, b, 0, ldb, pc, kc, 0, n, bp, 0);
            VectorGemm.rowPanels(ws, bp, 0, false, 0, m, 0, n, pc, kc, alpha, a, 0, lda, 1,
                    pc == 0 ? beta : 1f, panels, 0, ldc, null, 0, false);
        }
        for (int i = 0; i < panels.length; i++) {
            assertEquals(Float.floatToRawIntBits(panels[i]), Float.floatToRawIntBits(blocks[i]),
                    "C(" + i / ldc + ", " + i % ldc + ")");
        }
        float[] expected = c0.clone();
        Gemm.reference(false, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, expected, 0, ldc);
        GemmCheck.assertClose("row blocks", false, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c0,
                expected, blocks, 0, ldc);
    }

    @Test
    void rowBlocksHoldAQuarterOfL2InWholePanels() {
        assumeTrue(VectorSupport.available() && RowBlockGemm.ON, "the 4 x 3 tile on A in place, or the 6 x 2 tile");
        int l2 = MachineShape.current().l2Bytes();
        for (int kc : new int[] {1, 40, 512, 1024, 1 << 20}) {
            int rows = RowBlockGemm.rows(kc);
            assertEquals(0, rows % VectorGemm.MR, "kc " + kc);
            assertEquals(true, rows >= VectorGemm.MR, "kc " + kc);
            assertEquals(true, rows == VectorGemm.MR || (long) rows * kc * 4 <= l2 / 4, "kc " + kc + ": " + rows + " rows");
        }
        // a transposed A, or a slab too wide to pack whole, keeps the row-panel order
        assertEquals(false, RowBlockGemm.takes(true, 256, 512));
        assertEquals(false, RowBlockGemm.takes(false, 1024, 4096));
        assertEquals(true, RowBlockGemm.takes(false, 1024, 1024));
        // the 6 x 2 tile only for one slab deeper than 2·KC
        assertEquals(!RowBlockGemm.PACKED, RowBlockGemm.takes(false, 2 * VectorGemm.KC, 512));
    }
}
