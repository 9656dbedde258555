package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 8 × 3 kernel's merge into C ({@link GemmKernels#k8x3m}, used by
 * {@link VectorGemm#MERGE_IN_KERNEL}) rounds exactly as the scratch tile's merge it replaces: each
 * element is {@code fma(Σ, alpha, beta · C)} with Σ the FMA chain over p ascending, and with
 * {@code beta == 0} ({@link GemmKernels#k8x3}) it is {@code alpha · Σ} whatever C held (NaN included). At whatever width this
 * JVM runs (the kernel computes 8 rows × 3 vectors at any width).
 */
class MergeInKernelTest {

    @ParameterizedTest(name = "kc={0} alpha={1} beta={2}")
    @CsvSource({
        "1, 1, 1",
        "7, 0.5, 1",
        "64, -1.25, 0.75",
        "256, 3, -2",
        "300, 1, 0",
    })
    void mergesWithTheScratchTilesRounding(int kc, float alpha, float beta) {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        int l = VectorGemm.L;
        int nr = VectorGemm.NR;
        int cols = 3 * l;
        var rng = new SplittableRandom(kc * 31L + Float.floatToIntBits(beta));
        int lda = kc + 5;
        int aOff = 3;
        float[] a = GemmCheck.random(rng, aOff + 8 * lda);          // A(i, p) = a[aOff + i·lda + p]
        int bi = 2;
        // Bp[p, j] = bp[bi + p·NR + j]: the kernel steps by NR, which is narrower than its three
        // vectors when this JVM's tile is another (6 × 2 at AVX2), so the rows then overlap
        float[] bp = GemmCheck.random(rng, bi + (kc - 1) * nr + cols + 1);
        int ldc = cols + 4;
        float[] c0 = GemmCheck.random(rng, 1 + 8 * ldc);
        if (beta == 0f) {
            c0[1] = Float.NaN;                                       // ignored with beta 0
        }
        float[] c = c0.clone();
        if (beta == 0f) {
            GemmKernels.k8x3(kc, a, aOff, lda, 1, bp, bi, c, 1, ldc, alpha);
        } else {
            GemmKernels.k8x3m(kc, a, aOff, lda, 1, bp, bi, c, 1, ldc, alpha, beta);
        }
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < cols; j++) {
                float sum = 0f;
                for (int p = 0; p < kc; p++) {
                    sum = Math.fma(a[aOff + i * lda + p], bp[bi + p * nr + j], sum);
                }
                int at = 1 + i * ldc + j;
                float expected = beta == 0f ? sum * alpha : Math.fma(sum, alpha, c0[at] * beta);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[at]),
                        String.format(Locale.ROOT, "C(%d, %d)", i, j));
            }
        }
    }
}
