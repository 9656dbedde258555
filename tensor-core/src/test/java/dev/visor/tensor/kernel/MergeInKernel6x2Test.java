package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 6 × 2 tile's merge into C ({@link GemmKernels#k6x2pm}, used by {@link VectorGemm#MERGE_IN_KERNEL}
 * at AVX2) rounds exactly as the scratch tile's merge it replaces: each element is {@code fma(Σ, alpha,
 * beta · C)} with Σ the FMA chain over p ascending of the packed panel ({@code A(i, p) = a[ai + 6p + i]}).
 * At whatever width this JVM runs (the kernel computes two vectors of an NR-wide panel at any width).
 * And whole products give the same bits with {@code -Dvisor.kernel.mergeInKernel=true} and {@code false}
 * (child JVMs at this run's width, with the 6 × 2 tile forced and at the width's own tile, on deep
 * products of several slabs and a caller's beta, on one thread and on two).
 */
class MergeInKernel6x2Test {

    @ParameterizedTest(name = "kc={0} alpha={1} beta={2}")
    @CsvSource({
        "1, 1, 1",
        "7, 0.5, 1",
        "64, -1.25, 0.75",
        "256, 3, -2",
        "300, 1, 0.5",
    })
    void mergesWithTheScratchTilesRounding(int kc, float alpha, float beta) {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        int l = VectorGemm.L;
        int nr = VectorGemm.NR;
        int cols = 2 * l;
        var rng = new SplittableRandom(kc * 37L + Float.floatToIntBits(beta));
        int ai = 4;
        float[] a = GemmCheck.random(rng, ai + 6 * kc);                 // A(i, p) = a[ai + 6p + i]
        int bi = 3;
        float[] bp = GemmCheck.random(rng, bi + (kc - 1) * nr + cols + 1);
        int ldc = cols + 5;
        float[] c0 = GemmCheck.random(rng, 2 + 6 * ldc);
        float[] c = c0.clone();
        GemmKernels.k6x2pm(kc, a, ai, bp, bi, c, 2, ldc, alpha, beta);
        float[] tile = new float[6 * cols];
        GemmKernels.k6x2p(kc, a, ai, bp, bi, tile, 0, cols, 1f);        // the scratch tile: Σ times 1, exact
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < cols; j++) {
                float sum = 0f;
                for (int p = 0; p < kc; p++) {
                    sum = Math.fma(a[ai + 6 * p + i], bp[bi + p * nr + j], sum);
                }
                assertEquals(Float.floatToRawIntBits(sum), Float.floatToRawIntBits(tile[i * cols + j]));
                int at = 2 + i * ldc + j;
                float expected = Math.fma(sum, alpha, c0[at] * beta);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[at]),
                        String.format(Locale.ROOT, "C(%d, %d)", i, j));
            }
        }
        for (int at = 0; at < c.length; at++) {                          // nothing outside the tile
            int i = (at - 2) / ldc;
            int j = (at - 2) % ldc;
            if (at < 2 || i >= 6 || j >= cols) {
                assertEquals(Float.floatToRawIntBits(c0[at]), Float.floatToRawIntBits(c[at]), "outside, at " + at);
            }
        }
    }

    /** Deep products (several slabs at KC 64) and beta ≠ 0; prints whether the kernel merged and a digest of the bits. */
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
        List<String> tiles = new ArrayList<>(List.of(""));
        if (VectorGemm.MR != 6 || VectorGemm.NV != 2) {
            tiles.add("-Dvisor.kernel.tile=6x2");                         // the 6 × 2 tile at this width too
        }
        for (String tile : tiles) {
            String[] merged = run(tile, "true");
            String[] scratch = run(tile, "false");
            assertEquals("false", scratch[0]);
            assertEquals(scratch[1], merged[1], "the tile");
            if (merged[1].equals("6x2")) {
                assertEquals("true", merged[0], "the 6 × 2 tile on a packed A merges in the kernel by default");
            }
            assertEquals(scratch[2], merged[2], tile + ": merged in the kernel against through the scratch tile");
        }
    }

    private static String[] run(String tile, String merge) throws IOException, InterruptedException {
        List<String> props = new ArrayList<>(List.of("-Dvisor.kernel.kc=64", "-Dvisor.kernel.mergeInKernel=" + merge));
        if (!tile.isEmpty()) {
            props.add(tile);
        }
        String out = ChildJvm.runAtThisWidth(MergeInKernel6x2Test.class, props.toArray(String[]::new));
        Matcher line = LINE.matcher(out);
        assertTrue(line.find(), out);
        return new String[] {line.group(1), line.group(2), line.group(3)};
    }
}
