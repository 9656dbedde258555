package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * The six-row tile kernels ({@link VectorTileGemmSix}, the flash tile with 16 vector registers) give
 * the bits of the four-row kernels and of the scalar order (every element of C summed over the
 * depth with one FMA per step, from C times its row factor or from zero), for each of their three
 * ways of reading A: rows at the built-in stride {@link VectorTileGemmSix#ROW} with unit depth
 * stride (the probabilities, the queries in place; at depth {@code ROW} the kernel with the depth
 * built in too, at depths 1 and 7 the unit-stride kernel), another row stride, and A stored transposed
 * (the backward pass's products). The build runs this at every width (attention/pom.xml).
 */
class SixRowTilesTest {

    @Test
    void sixRowKernelsGiveTheBitsOfTheFourRowKernelsAndOfTheScalarOrder() {
        if (!VectorSupport.available()) {
            return;   // the scalar-fallback run has no vector kernels
        }
        int lanes = VectorTileOps.create().lanes();
        Rng rng = new Rng(19);
        // 6·k rows, 6·k + 4 (64 = 6·10 + 4), 6·k + 2 (128 = 6·20 + 8: one group fewer), odd rests, too few
        int[] rowCounts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 64, 128};
        for (int rows : rowCounts) {
            for (int vectors : new int[] {1, 2, 3, 4, 8}) {   // pairs of vectors, and widths the six rows skip
                int cols = vectors * lanes;
                for (int layout = 0; layout < 3; layout++) {
                    for (int depth : new int[] {1, 7, VectorTileGemmSix.ROW}) {
                        for (boolean accumulate : new boolean[] {false, true}) {
                            check(rng, rows, cols, depth, layout, accumulate, lanes);
                        }
                    }
                }
            }
        }
    }

    /** layout 0: A's rows ROW apart, depth stride 1; 1: rows depth + 3 apart; 2: A stored transposed. */
    private static void check(Rng rng, int rows, int cols, int depth, int layout, boolean accumulate, int lanes) {
        int ars = layout == 0 ? VectorTileGemmSix.ROW : layout == 1 ? depth + 3 : 1;
        int ats = layout == 2 ? rows + 1 : 1;
        int aOff = 2;
        float[] a = random(rng, aOff + (rows - 1) * ars + (depth - 1) * ats + 1);
        int ldb = cols + lanes;
        float[] b = random(rng, 5 + depth * ldb);
        int ldc = cols + 2 * lanes;
        float[] c = random(rng, 3 + rows * ldc);
        float[] scale = accumulate ? random(rng, 1 + rows) : null;
        float[] expected = c.clone();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int ci = 3 + r * ldc + j;
                float x = accumulate ? expected[ci] * scale[1 + r] : 0f;
                for (int t = 0; t < depth; t++) {
                    x = Math.fma(a[aOff + r * ars + t * ats], b[5 + t * ldb + j], x);
                }
                expected[ci] = x;
            }
        }
        String what = rows + " × " + cols + ", depth " + depth + ", layout " + layout + ", accumulate " + accumulate;
        for (int kernelRows : new int[] {4, 6}) {
            float[] got = c.clone();
            VectorTileGemm.tiles(kernelRows, rows, cols, depth, a, aOff, ars, ats, b, 5, ldb, got, 3, ldc, accumulate,
                    scale, 1);
            assertArrayEquals(expected, got, kernelRows + "-row kernels, " + what);
        }
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
