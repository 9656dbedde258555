package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link EdgeMerge}'s two forms give the same bits: the plain loops C1 runs until the gate opens and
 * the vector form after it, for every edge shape of this width's tile (1 … MR rows, 1 … NR columns),
 * with beta 0 (C ignored, NaN included) and not, at a row stride wider than the tile; and each agrees
 * with the scalar definition {@code tile · alpha}, {@code fma(tile, alpha, C · beta)}.
 */
class EdgeMergeTest {
    @Test
    void bothFormsGiveTheDefinitionsBitsForEveryEdgeShape() {
        assumeTrue(VectorSupport.available(), "the merge is part of the vector path");
        int ldc = VectorGemm.NR + 5; // a row stride wider than the tile
        var rng = new SplittableRandom(2026_12_05L);
        float[][] alphaBeta = {{1f, 0f}, {-1.5f, 0f}, {1f, 1f}, {0.75f, -2.5f}, {3f, 0.1f}};
        for (int rows = 1; rows <= VectorGemm.MR; rows++) {
            for (int cols = 1; cols <= VectorGemm.NR; cols++) {
                for (float[] ab : alphaBeta) {
                    float alpha = ab[0];
                    float beta = ab[1];
                    float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
                    for (int i = 0; i < tile.length; i++) {
                        tile[i] = (float) (rng.nextDouble() * 200 - 100);
                    }
                    float[] c0 = new float[3 + VectorGemm.MR * ldc];
                    for (int i = 0; i < c0.length; i++) {
                        c0[i] = beta == 0f && i % 7 == 0 ? Float.NaN : (float) (rng.nextDouble() * 20 - 10);
                    }
                    float[] expected = c0.clone();
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            int at = 3 + i * ldc + j;
                            float t = tile[i * VectorGemm.NR + j];
                            expected[at] = beta == 0f ? t * alpha : Math.fma(t, alpha, c0[at] * beta);
                        }
                    }
                    float[] loops = c0.clone();
                    EdgeMerge.loops(tile, rows, cols, alpha, beta, loops, 3, ldc);
                    float[] vector = c0.clone();
                    EdgeMerge.vector(tile, rows, cols, alpha, beta, vector, 3, ldc);
                    float[] merged = c0.clone();
                    EdgeMerge.merge(tile, rows, cols, alpha, beta, merged, 3, ldc);
                    String at = rows + " x " + cols + ", alpha " + alpha + ", beta " + beta;
                    assertArrayEquals(expected, loops, "loops, " + at);
                    assertArrayEquals(expected, vector, "vector, " + at);
                    assertArrayEquals(expected, merged, "merge, " + at);
                }
            }
        }
    }

    @Test
    void theGateOpensOnceTheVectorFormIsCompiledOrAtOnceWithoutWarmUp() throws InterruptedException {
        assumeTrue(VectorSupport.available(), "the merge is part of the vector path");
        float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
        float[] c = new float[VectorGemm.MR * VectorGemm.NR];
        // enough edge elements to start the warm-up thread; it opens the gate when the vector form wins
        // (or after JitWarmup's time limit); -Dvisor.warmup=false opens it from the start
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!EdgeMerge.Warm.GATE.isReady() && System.nanoTime() < deadline) {
            EdgeMerge.merge(tile, VectorGemm.MR, VectorGemm.NR, 1f, 0f, c, 0, VectorGemm.NR);
            Thread.sleep(0, 1000);
        }
        assertEquals(true, EdgeMerge.Warm.GATE.isReady(), "the gate never opened");
    }
}
