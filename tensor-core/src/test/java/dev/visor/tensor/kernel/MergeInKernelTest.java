package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels' merge into C ({@link GemmKernels#k8x3m} for the 8 × 3 tile, {@link GemmKernels6x2#k6x2pm}
 * for the AVX2 6 × 2 tile on a packed A; used by {@link VectorGemm#MERGE_IN_KERNEL}) rounds exactly as
 * the scratch tile's merge it replaces: each element is {@code fma(Σ, alpha, beta · C)} with Σ the FMA
 * chain over p ascending, and with {@code beta == 0} ({@link GemmKernels#k8x3}, {@link GemmKernels6x2#k6x2p})
 * it is {@code alpha · Σ} whatever C held (NaN included). At whatever width this JVM runs (each kernel
 * computes its rows × vectors at any width). And whole products give the same bits with
 * {@code -Dvisor.kernel.mergeInKernel=true} and {@code false} (child JVMs at this run's width, at the
 * width's own tile and with the 6 × 2 tile forced, on products of several slabs at KC 64 and under a
 * caller's beta, on one thread and on two).
 */
class MergeInKernelTest {

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(1, 1f, 1f), Arguments.of(7, 0.5f, 1f), Arguments.of(64, -1.25f, 0.75f),
                Arguments.of(256, 3f, -2f), Arguments.of(300, 1f, 0f));
    }

    @ParameterizedTest(name = "8x3 kc={0} alpha={1} beta={2}")
    @MethodSource("cases")
    void eightByThreeMergesWithTheScratchTilesRounding(int kc, float alpha, float beta) {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        var rng = new SplittableRandom(kc * 31L + Float.floatToIntBits(beta));
        int lda = kc + 5;
        int aOff = 3;
        float[] a = GemmCheck.random(rng, aOff + 8 * lda);          // A(i, p) = a[aOff + i·lda + p]
        check(8, 3, kc, alpha, beta, rng, (i, p) -> a[aOff + i * lda + p], (bp, bi, c, ldc) -> {
            if (beta == 0f) {
                GemmKernels.k8x3(kc, a, aOff, lda, 1, bp, bi, c, 1, ldc, alpha);
            } else {
                GemmKernels.k8x3m(kc, a, aOff, lda, 1, bp, bi, c, 1, ldc, alpha, beta);
            }
        });
    }

    @ParameterizedTest(name = "6x2 kc={0} alpha={1} beta={2}")
    @MethodSource("cases")
    void sixByTwoMergesWithTheScratchTilesRounding(int kc, float alpha, float beta) {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        var rng = new SplittableRandom(kc * 37L + Float.floatToIntBits(beta));
        int ai = 4;
        float[] a = GemmCheck.random(rng, ai + 6 * kc);             // A(i, p) = a[ai + 6p + i], packed
        check(6, 2, kc, alpha, beta, rng, (i, p) -> a[ai + 6 * p + i], (bp, bi, c, ldc) -> {
            if (beta == 0f) {
                GemmKernels6x2.k6x2p(kc, a, ai, bp, bi, c, 1, ldc, alpha);
            } else {
                GemmKernels6x2.k6x2pm(kc, a, ai, bp, bi, c, 1, ldc, alpha, beta);
            }
        });
    }

    interface Element {
        float at(int i, int p);
    }

    interface Kernel {
        void run(float[] bp, int bi, float[] c, int ldc);
    }

    /** Runs {@code kernel} on a random packed B and C (tile at offset 1) and checks every element of C. */
    private static void check(int rows, int vectors, int kc, float alpha, float beta, SplittableRandom rng,
                              Element a, Kernel kernel) {
        int nr = VectorGemm.NR;
        int cols = vectors * VectorGemm.L;
        int bi = 2;
        // Bp[p, j] = bp[bi + p·NR + j]: the kernel steps by NR, which is narrower than its vectors when
        // this JVM's tile is another (6 × 2 at AVX2 under the 8 × 3 kernel), so the rows then overlap
        float[] bp = GemmCheck.random(rng, bi + (kc - 1) * nr + cols + 1);
        int ldc = cols + 4;
        float[] c0 = GemmCheck.random(rng, 1 + rows * ldc);
        if (beta == 0f) {
            c0[1] = Float.NaN;                                       // ignored with beta 0
        }
        float[] c = c0.clone();
        kernel.run(bp, bi, c, ldc);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float sum = 0f;
                for (int p = 0; p < kc; p++) {
                    sum = Math.fma(a.at(i, p), bp[bi + p * nr + j], sum);
                }
                int at = 1 + i * ldc + j;
                float expected = beta == 0f ? sum * alpha : Math.fma(sum, alpha, c0[at] * beta);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[at]),
                        String.format(Locale.ROOT, "C(%d, %d)", i, j));
            }
            for (int j = cols; j < ldc && 1 + i * ldc + j < c.length; j++) {   // nothing past the tile's columns
                int at = 1 + i * ldc + j;
                assertEquals(Float.floatToRawIntBits(c0[at]), Float.floatToRawIntBits(c[at]), "past the tile, at " + at);
            }
        }
    }

    /** Deep products (several slabs at KC 64) and beta ≠ 0; prints whether the kernels merge, the tile and a digest of the bits. */
    public static void main(String[] args) {
        int[][] shapes = {{50, 96, 200}, {37, 80, 64}, {96, 64, 300}, {13, 112, 130}};
        long digest = GemmCheck.productDigest(shapes, 11);
        System.out.println("merge=" + VectorGemm.MERGE_IN_KERNEL + " tile=" + VectorGemm.MR + "x" + VectorGemm.NV
                + " digest=" + Long.toHexString(digest));
    }

    private static final Pattern LINE = Pattern.compile("merge=(\\S+) tile=(\\S+) digest=(\\S+)");

    @Test
    void mergingInTheKernelChangesNoBits() throws IOException, InterruptedException {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        List<String> tiles = new ArrayList<>(List.of("-Dvisor.kernel.tile=6x2"));
        if (VectorGemm.MR != 6 || VectorGemm.NV != 2) {
            tiles.add("-Dvisor.kernel.tile=" + VectorGemm.MR + "x" + VectorGemm.NV);   // this width's own tile too
        }
        for (String tile : tiles) {
            String[] merged = ChildJvm.lineAtThisWidth(MergeInKernelTest.class, LINE, tile, "-Dvisor.kernel.kc=64",
                    "-Dvisor.kernel.mergeInKernel=true");
            String[] scratch = ChildJvm.lineAtThisWidth(MergeInKernelTest.class, LINE, tile, "-Dvisor.kernel.kc=64",
                    "-Dvisor.kernel.mergeInKernel=false");
            assertEquals("false", scratch[0]);
            assertEquals(scratch[1], merged[1], "the tile");
            if (!merged[1].equals("6x4")) {
                assertEquals("true", merged[0], merged[1] + " merges in the kernel by default");
            }
            assertEquals(scratch[2], merged[2], tile + ": merged in the kernel against through the scratch tile");
        }
    }
}
