package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A product with an untransposed A up to {@code VectorGemm.ONE_SLAB_MAX} deep runs as one slab of depth
 * k ({@code MachineShape.GemmTiles.oneSlab}: 1024 on the AVX2 tile, 2·KC elsewhere): every element of C is
 * one chain of FMAs over p in order, never a slab's sum merged into C, on one thread and on two.
 */
class OneSlabTest {
    @Test
    void everyElementUpToTheOneSlabDepthIsOneChainOfFmas() {
        assumeTrue(VectorSupport.available(), "VectorGemm loads only with the Vector API");
        int k = VectorGemm.ONE_SLAB_MAX;
        int m = 2 * VectorGemm.MR + 1; // two full row panels and an edge row
        int n = VectorGemm.NR + 3;     // a full panel and a narrow one
        var rng = new SplittableRandom(k);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rng.nextGaussian();
        }
        for (int threads : new int[] {1, 2}) {
            float[] c = new float[m * n];
            GemmProperties.withThreads(threads, () -> Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float chain = 0f;
                    for (int p = 0; p < k; p++) {
                        chain = Math.fma(a[i * k + p], b[p * n + j], chain);
                    }
                    assertEquals(Float.floatToRawIntBits(chain), Float.floatToRawIntBits(c[i * n + j]),
                            "C(" + i + ", " + j + ") at k = " + k + " on " + threads + " threads");
                }
            }
        }
    }
}
