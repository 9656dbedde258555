package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 4 × 3 tile's kernels ({@link GemmKernels4x3}) and the pair packing of a transposed A that
 * feeds them ({@link GemmPack#packATransposedPair}), at whatever width this JVM runs (Surefire runs
 * it at 512 bits, AVX2 and 128 bits; the kernels compute three vectors of an NR-wide panel at any
 * width whose panel holds three vectors, and AVX2's default tile on JDK 17 is this one): every form
 * gives each element the plain FMA chain over p ascending, scaled once by alpha ({@code beta == 0}) or merged as
 * {@code fma(chain, alpha, beta · C)}; A read in place ({@link GemmKernels4x3#k4x3r}) and packed
 * ({@link GemmKernels4x3#k4x3p}) give the same bits, and so do the one- and two-vector kernels on
 * either layout ({@link GemmKernels4x3#k4x2r} and {@link GemmKernels4x3#k4x2p} too). A kernel
 * that skipped a step, summed in another order, dropped alpha or beta, or read a row from the wrong
 * offset fails here.
 */
class GemmKernels4x3Test {

    @ParameterizedTest(name = "kc={0} lda={1} alpha={2} beta={3}")
    @CsvSource({
        "1, 9, 1, 0",
        "7, 13, 1, 0.5",
        "64, 70, 0.5, 0",
        "256, 1031, -1.25, 1",
        "300, 301, 3, -0.75",
    })
    void everyFormIsTheFmaChain(int kc, int lda, float alpha, float beta) {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        // the kernels step B by NR: three vectors fit a panel except under the 6 x 2 tile (AVX2 on a
        // JDK past 17, or forced)
        assumeTrue(VectorGemm.NR >= 3 * VectorGemm.L,
                "a panel of " + VectorGemm.NR + " floats is narrower than the tile's three vectors");
        int l = VectorGemm.L;
        int nr = VectorGemm.NR;
        var rng = new SplittableRandom(kc * 977L + lda);
        int aOff = 5;
        float[] a = GemmCheck.random(rng, aOff + 4 * lda + kc);      // A(i, p) = a[aOff + i·lda + p]
        float[] ap = new float[3 + 4 * kc];                          // A(i, p) = ap[3 + 4p + i]
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < 4; i++) {
                ap[3 + 4 * p + i] = a[aOff + i * lda + p];
            }
        }
        int bi = 7;
        float[] bp = GemmCheck.random(rng, bi + kc * nr + 1);
        int ldc = 3 * l + 3;
        float[] c0 = GemmCheck.random(rng, ldc * 4 + 2);
        float[][] out = new float[8][];
        for (int f = 0; f < out.length; f++) {
            out[f] = c0.clone();
        }
        boolean merge = beta != 0f;
        if (merge) {
            GemmKernels4x3.k4x3rm(kc, a, aOff, lda, bp, bi, out[0], 1, ldc, alpha, beta);
            GemmKernels4x3.k4x3pm(kc, ap, 3, 1, bp, bi, out[1], 1, ldc, alpha, beta);
        } else {
            GemmKernels4x3.k4x3r(kc, a, aOff, lda, bp, bi, out[0], 1, ldc, alpha);
            GemmKernels4x3.k4x3p(kc, ap, 3, 1, bp, bi, out[1], 1, ldc, alpha);
        }
        // the narrow kernels write vectors 0..1 and 0 of the panel; beta 0 only (they run into a scratch tile)
        GemmKernels4x3.k4x2(kc, a, aOff, lda, 1, bp, bi, out[2], 1, ldc, alpha);
        GemmKernels4x3.k4x2(kc, ap, 3, 1, 4, bp, bi, out[3], 1, ldc, alpha);
        GemmKernels4x3.k4x1(kc, a, aOff, lda, 1, bp, bi, out[4], 1, ldc, alpha);
        GemmKernels4x3.k4x1(kc, ap, 3, 1, 4, bp, bi, out[5], 1, ldc, alpha);
        GemmKernels4x3.k4x2r(kc, a, aOff, lda, bp, bi, out[6], 1, ldc, alpha);
        GemmKernels4x3.k4x2p(kc, ap, 3, 1, bp, bi, out[7], 1, ldc, alpha);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3 * l; j++) {
                float acc = GemmCheck.fmaChain(a, aOff, lda, bp, bi, nr, kc, i, j);
                int at = 1 + i * ldc + j;
                float plain = acc * alpha;
                float full = merge ? Math.fma(acc, alpha, beta * c0[at]) : plain;
                String where = String.format(Locale.ROOT, "C(%d, %d)", i, j);
                assertEquals(Float.floatToRawIntBits(full), Float.floatToRawIntBits(out[0][at]), "in place " + where);
                assertEquals(Float.floatToRawIntBits(full), Float.floatToRawIntBits(out[1][at]), "packed " + where);
                for (int f = 2; f <= 7; f++) {
                    int vectors = f <= 3 || f >= 6 ? 2 : 1;
                    float expected = j < vectors * l ? plain : c0[at];   // past its vectors a kernel writes nothing
                    String kernel = f >= 6 ? "k4x2" + (f == 6 ? "r " : "p ") : vectors == 2 ? "k4x2 " : "k4x1 ";
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[f][at]),
                            kernel + (f % 2 == 0 ? "in place " : "packed ") + where);
                }
            }
        }
    }

    @ParameterizedTest(name = "kc={0} lda={1}")
    @CsvSource({
        "1, 8",
        "2, 11",
        "37, 64",
        "256, 2048",
    })
    void pairPackingIsTwoPanelsOfPackA(int kc, int lda) {
        assumeTrue(VectorSupport.available() && VectorGemm.PACK_PAIRS, "pairs pack only under the 4 x 3 tile at 8 lanes");
        var rng = new SplittableRandom(kc * 31L + lda);
        int ai = 3;
        float[] a = GemmCheck.random(rng, ai + (kc - 1) * lda + 8 + 5);   // A(i, p) = a[ai + i + p·lda], i < 8
        int at = 6;
        float[] pair = new float[at + 8 * kc + 9];
        float[] twice = new float[pair.length];
        java.util.Arrays.fill(pair, Float.NaN);
        java.util.Arrays.fill(twice, Float.NaN);
        GemmPack.packATransposedPair(a, ai, lda, kc, pair, at);
        GemmPack.packA(a, ai, 1, lda, 4, kc, twice, at);
        GemmPack.packA(a, ai + 4, 1, lda, 4, kc, twice, at + 4 * kc);
        for (int i = 0; i < pair.length; i++) {
            assertEquals(Float.floatToRawIntBits(twice[i]), Float.floatToRawIntBits(pair[i]),
                    "element " + i + " (the panels span " + at + " to " + (at + 8 * kc) + ")");
        }
    }
}
