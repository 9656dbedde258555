package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.L;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The 4 × 3 register tile of {@link VectorGemm} for 16 vector registers (AVX2, or any CPU where
 * {@link MachineShape} finds 16): 12 accumulators, three vectors of B and one broadcast of A, all 16
 * registers. Against the 6 × 2 tile ({@link GemmKernels6x2}) it loads one value of A fewer per 12
 * FMAs (4 broadcasts and 3 loads of B against 6 and 2), and its four rows need few enough offsets
 * that the kernel reads an untransposed A in place as fast as the 6 × 2 tile's packed kernel
 * ({@link #k4x3r}: the loop counts through A's first row, the other three rows at loop-invariant
 * distances; about 36 instructions a step). So an untransposed A is not packed, where the 6 × 2 tile
 * packs every micro-panel of A (for sq1024 a 4 MiB copy written to memory, about as costly as the
 * rest of the product's overhead together; {@code benchmarks/JOURNAL.md}, session 16). A transposed
 * A and the edge rows are packed in {@link GemmPack#packA}'s layout and read by {@link #k4x3p}: read
 * in place, each step of a transposed A is on another page (gradW 2048×512×1024 TN at 40 % of the
 * peak).
 * <ul>
 *   <li>{@link #k4x3r}, {@link #k4x3rm}: rows with a stride, steps contiguous ({@code A(i, p) = a[ai + i·rs + p]},
 *       an untransposed A in place); the second merges into C ({@code beta ≠ 0}, the slabs after a
 *       deep product's first);</li>
 *   <li>{@link #k4x3p}, {@link #k4x3pm}: a packed panel ({@code A(i, p) = a[ai + 4p + i]});</li>
 *   <li>{@link #k4x2r}, {@link #k4x2p}: a last panel of two vectors' width, A in place or packed;</li>
 *   <li>{@link #k4x2}, {@link #k4x1}: a last panel of one or two vectors' width, any strides.</li>
 * </ul>
 * The sums and their order are {@link GemmKernels}' (p ascending, one FMA per step, alpha once at
 * the end; the merging forms end as {@link GemmKernels#k8x3m}), so a value does not depend on which
 * kernel computed it. Each is written out in full on purpose, as in {@link GemmKernels6x2}: a shared
 * loop would take the accumulators through a call. Unrolled by two steps, C2 hoists the second
 * step's loads of B and spills (45 GFLOP/s against 113 on Zen 4), so no loop is unrolled by hand.
 */
final class GemmKernels4x3 {
    private GemmKernels4x3() {}

    /** The tile on rows of A with a stride, each row's steps contiguous: {@code A(i, p) = a[ai + i·rs + p]}. */
    static void k4x3r(int kc, float[] a, int ai, int rs, float[] bp, int bi,
                      float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int q = ai, end = ai + kc; q < end; q++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[q + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[q + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[q + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci); c01.mul(va).intoArray(c, ci + L); c02.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c10.mul(va).intoArray(c, ci); c11.mul(va).intoArray(c, ci + L); c12.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c20.mul(va).intoArray(c, ci); c21.mul(va).intoArray(c, ci + L); c22.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c30.mul(va).intoArray(c, ci); c31.mul(va).intoArray(c, ci + L); c32.mul(va).intoArray(c, ci + 2 * L);
    }

    /** {@link #k4x3r} merged into C: {@code C[i, j] = fma(Σ_p A(i, p) · Bp[p, j], alpha, beta · C[i, j])}. */
    static void k4x3rm(int kc, float[] a, int ai, int rs, float[] bp, int bi,
                       float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int q = ai, end = ai + kc; q < end; q++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[q + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[q + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[q + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c02.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c12.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c22.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c32.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
    }

    /**
     * The tile on a packed micro-panel, {@code A(i, p) = a[ai + 4p + i·rs]} ({@link GemmPack#packA}'s
     * layout, {@code rs} 1): {@link #k4x3r}'s loop stepping 4 floats. The row offsets stay an argument:
     * as constants (1, 2, 3) C2 hoisted two broadcasts and spilled an accumulator (49 GFLOP/s against
     * 107 on Zen 4).
     */
    static void k4x3p(int kc, float[] a, int ai, int rs, float[] bp, int bi,
                      float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int q = ai, end = ai + 4 * kc; q < end; q += 4) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[q + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[q + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[q + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci); c01.mul(va).intoArray(c, ci + L); c02.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c10.mul(va).intoArray(c, ci); c11.mul(va).intoArray(c, ci + L); c12.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c20.mul(va).intoArray(c, ci); c21.mul(va).intoArray(c, ci + L); c22.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c30.mul(va).intoArray(c, ci); c31.mul(va).intoArray(c, ci + L); c32.mul(va).intoArray(c, ci + 2 * L);
    }

    /** {@link #k4x3p} merged into C, as {@link #k4x3rm}. */
    static void k4x3pm(int kc, float[] a, int ai, int rs, float[] bp, int bi,
                       float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int q = ai, end = ai + 4 * kc; q < end; q += 4) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[q + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[q + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[q + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c02.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c12.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c22.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c32.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
    }

    /**
     * Two vectors of columns on an untransposed A in place ({@code A(i, p) = a[ai + i·rs + p]}), the
     * last panel of 16 columns of every 1024-wide block: {@link #k4x3r}'s loop with two vectors of B.
     * Its eight accumulators are just the FMA pipes' depth (2 pipes × 4 cycles on Zen 4); written for
     * any strides ({@link #k4x2}) the loop ran at 85 GFLOP/s on Zen 4 at {@code -XX:UseAVX=2}, this one
     * at 99, against {@link #k4x3r}'s 115 (B panel in L2, session 17, {@code benchmarks/JOURNAL.md}).
     */
    static void k4x2r(int kc, float[] a, int ai, int rs, float[] bp, int bi,
                      float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int q = ai, end = ai + kc; q < end; q++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[q + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[q + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[q + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci); c01.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c10.mul(va).intoArray(c, ci); c11.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c20.mul(va).intoArray(c, ci); c21.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c30.mul(va).intoArray(c, ci); c31.mul(va).intoArray(c, ci + L);
    }

    /** {@link #k4x2r} on a packed panel ({@code A(i, p) = a[ai + 4p + i·rs]}, {@code rs} 1), as {@link #k4x3p}. */
    static void k4x2p(int kc, float[] a, int ai, int rs, float[] bp, int bi,
                      float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int q = ai, end = ai + 4 * kc; q < end; q += 4) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[q]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[q + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[q + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[q + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci); c01.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c10.mul(va).intoArray(c, ci); c11.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c20.mul(va).intoArray(c, ci); c21.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c30.mul(va).intoArray(c, ci); c31.mul(va).intoArray(c, ci + L);
    }

    /** Two vectors of columns for any strides (a last panel 9 to 16 floats wide at 256 bits; {@link #k4x2r} and {@link #k4x2p} where they apply). */
    static void k4x2(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + r1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + r2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + r3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            ai += cs;
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci); c01.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c10.mul(va).intoArray(c, ci); c11.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c20.mul(va).intoArray(c, ci); c21.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c30.mul(va).intoArray(c, ci); c31.mul(va).intoArray(c, ci + L);
    }

    /** One vector of columns. */
    static void k4x1(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = c00;
        FloatVector c20 = c00;
        FloatVector c30 = c00;
        int r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[ai + r1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[ai + r2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, a[ai + r3]);
            c30 = x.fma(b0, c30);
            ai += cs;
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci);
        ci += ldc;
        c10.mul(va).intoArray(c, ci);
        ci += ldc;
        c20.mul(va).intoArray(c, ci);
        ci += ldc;
        c30.mul(va).intoArray(c, ci);
    }
}
