package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.L;
import static dev.visor.tensor.kernel.VectorGemm.MR;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The merge of {@link VectorGemm}'s edge tiles (fewer than MR rows or NR columns, computed into the
 * scratch tile) into C: {@code C[0:rows, 0:cols] = alpha · tile + beta · C} (beta == 0 ignores C),
 * rounded exactly as {@link GemmKernels} and {@link VectorGemm#mergeFull} ({@code tile · alpha}, or
 * {@code fma(tile, alpha, C · beta)}), so an element's value does not depend on whether it sat in a
 * full tile (nor, therefore, on how the work was split between threads).
 *
 * <p>Two forms of the same arithmetic behind a {@link JitWarmup} gate: plain loops until C2 has
 * compiled the vector form, then the vector form. Many products call this too rarely for C2 to
 * compile it on its own (1024³ at AVX2: 64 edge tiles against 10 944 kernel calls; every
 * {@code -XX:+PrintCompilation} log of {@code GemmBars} at AVX2 showed the merge at tier 3 only), and
 * C1's Vector API code allocates an object per operation. Measured on Zen 4 at {@code -XX:UseAVX=2}: a
 * 4 × 16 tile took 2.6 µs in C1's vector code and 0.19 µs in C1's loops (1024³'s 64 tiles: 0.17 ms
 * of 20, about 0.8 %); compiled by C2, 57 ns as vectors and 66 ns as loops (C2 unrolls the loops but
 * cannot vectorise them: the tile and C might be one array), a gap that shows where edges are many:
 * at 512 bits, 2-thread sq512 (an edge tile per row panel) read 0.8 % lower with the loops alone.
 * Both forms do the same multiplications and fused multiply-adds, so the bits do not depend on
 * which one ran ({@code EdgeMergeTest}).
 */
final class EdgeMerge {
    private EdgeMerge() {}

    /** Merges an edge tile, by whichever form the gate allows; {@code rows ≤ MR}, {@code cols ≤ NR}. */
    static void merge(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int ci, int ldc) {
        if (Warm.GATE.vectorReady((long) rows * cols)) {
            vector(tile, rows, cols, alpha, beta, c, ci, ldc);
        } else {
            loops(tile, rows, cols, alpha, beta, c, ci, ldc);
        }
    }

    /** The merge in plain loops: what C1 runs well. */
    static void loops(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int ci, int ldc) {
        for (int i = 0; i < rows; i++, ci += ldc) {
            int ti = i * NR;
            if (beta == 0f) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = tile[ti + j] * alpha;
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = Math.fma(tile[ti + j], alpha, c[ci + j] * beta);
                }
            }
        }
    }

    /** The merge a vector at a time (the columns past the last whole vector in loops): what C2 runs best. */
    static void vector(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        int whole = cols / L * L; // the columns that fill whole vectors; small products are mostly edges
        for (int i = 0; i < rows; i++, ci += ldc) {
            int ti = i * NR;
            for (int j = 0; j < whole; j += L) {
                FloatVector acc = FloatVector.fromArray(S, tile, ti + j);
                FloatVector v = beta == 0f ? acc.mul(va) : acc.fma(va, FloatVector.fromArray(S, c, ci + j).mul(vb));
                v.intoArray(c, ci + j);
            }
            for (int j = whole; j < cols; j++) {
                float acc = tile[ti + j];
                c[ci + j] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci + j] * beta);
            }
        }
    }

    /** The gate, made on first use: both forms timed on a private tile, 16 merges a probe (beta 0 and not). */
    static final class Warm {
        private static final int PROBE_TILES = 16;
        private static final float[] TILE = new float[MR * NR];
        private static final float[] C = new float[MR * NR];

        private Warm() {}

        /** After about a thousand full tiles' worth of edges on the loops (short programs never start the warm-up thread). */
        static final JitWarmup GATE = new JitWarmup("edge-merge", 1L << 17,
                () -> probe(true), () -> probe(false));

        /** Both branches of beta and a column tail, so that C2 compiles the forms for what products pass. */
        private static void probe(boolean vector) {
            for (int t = 0; t < PROBE_TILES; t++) {
                float beta = (t & 1) == 0 ? 0f : 0.5f;
                if (vector) {
                    EdgeMerge.vector(TILE, MR, NR - 1, 1f, beta, C, 0, NR);
                } else {
                    EdgeMerge.loops(TILE, MR, NR - 1, 1f, beta, C, 0, NR);
                }
            }
        }
    }
}
