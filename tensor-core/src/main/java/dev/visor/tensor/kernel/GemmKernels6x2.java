package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.L;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The 6 × 2 register tile of {@link VectorGemm} for 16 vector registers (AVX2, or any CPU where
 * {@link MachineShape} finds 16): 12 accumulators, two vectors of B and one broadcast of A live at
 * once. {@link #k6x2} reads A through a row and a column stride (an edge panel, or A in place with
 * {@code -Dvisor.kernel.packA=false}); {@link #k6x2p} and {@link #k6x2pm} read a packed micro-panel
 * ({@link GemmPack#packA}) and are what a product runs at this width; {@link #k6x1} computes a last
 * panel one vector wide. The sums and their order are {@link GemmKernels}' (p ascending, one FMA per
 * step, alpha once at the end), so a value does not depend on which kernel computed it; the same
 * rules for keeping C2's accumulators in registers apply (see there). {@link GemmKernels#run} picks
 * among these and the 32-register tiles.
 */
final class GemmKernels6x2 {
    private GemmKernels6x2() {}

    static void k6x2(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
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
        ci += ldc;
        c40.mul(va).intoArray(c, ci); c41.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c50.mul(va).intoArray(c, ci); c51.mul(va).intoArray(c, ci + L);
    }

    /**
     * The 6 × 2 tile on a packed micro-panel of A ({@code A(i, p) = a[ai + 6p + i]}, {@link
     * GemmPack#packA}'s layout): the same sums as {@link #k6x2}, with fewer instructions per step.
     * The loop counts through A, so the six offsets of a step are constants from one index that C2
     * proves in bounds once for the loop (no per-load range check, no per-row offset arithmetic);
     * B's index advances on its own, and its two range checks stay. Those checks matter: they keep
     * C2 from hoisting all six broadcasts of a step ahead of the FMAs (12 accumulators, 2 vectors of
     * B and 6 broadcasts would need 20 of the 16 registers), so at most two broadcasts are live and
     * nothing spills. Read from C2's code on Zen 4 (JDK 17, {@code -XX:UseAVX=2}): 31 instructions
     * per step (12 FMAs, 6 broadcasts, 2 loads of B) against 53 for {@link #k6x2} reading A in place
     * (6 range checks, a mov and an add per row offset, two offsets on the stack). B indexed from the
     * step counter as well lets C2 drop B's checks too, and then it schedules the broadcasts first
     * and spills; unrolled by two, it interleaves both steps' loads of B and spills.
     */
    static void k6x2p(int kc, float[] a, int ai, float[] bp, int bi,
                      float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        for (int q = ai, end = ai + 6 * kc; q < end; q += 6) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[q + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[q + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
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
        ci += ldc;
        c40.mul(va).intoArray(c, ci); c41.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c50.mul(va).intoArray(c, ci); c51.mul(va).intoArray(c, ci + L);
    }

    /**
     * {@link #k6x2p} merged into C ({@code beta ≠ 0}): {@code C[i, j] = fma(Σ_p A(i, p) · Bp[p, j], alpha,
     * beta · C[i, j])}, the rounding of the scratch tile's merge, without its 12 stores and 12 loads;
     * {@link GemmKernels#k8x3m}'s ending on the AVX2 tile, a method of its own for the same reasons (C1's
     * registers at tier 3, C2's compile of the plain kernel); its loop is {@link #k6x2p}'s, written
     * out again on purpose (a shared loop would take the accumulators through a call, and box them).
     */
    static void k6x2pm(int kc, float[] a, int ai, float[] bp, int bi,
                       float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        for (int q = ai, end = ai + 6 * kc; q < end; q += 6) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[q]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[q + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[q + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[q + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[q + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[q + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        c00.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c01.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        ci += ldc;
        c10.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c11.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        ci += ldc;
        c20.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c21.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        ci += ldc;
        c30.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c31.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        ci += ldc;
        c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c41.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
        ci += ldc;
        c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c51.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L);
    }

    static void k6x1(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = c00;
        FloatVector c20 = c00;
        FloatVector c30 = c00;
        FloatVector c40 = c00;
        FloatVector c50 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50);
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
        ci += ldc;
        c40.mul(va).intoArray(c, ci);
        ci += ldc;
        c50.mul(va).intoArray(c, ci);
    }
}
