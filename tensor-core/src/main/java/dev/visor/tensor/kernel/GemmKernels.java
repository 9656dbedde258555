package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.L;
import static dev.visor.tensor.kernel.VectorGemm.MR;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * The register-blocked micro-kernels of {@link VectorGemm}, one per register tile:
 * {@code C[0:MR, 0:V·L] = alpha · Σ_p A(i, p) · Bp[p, 0:V·L]} with {@code A(i, p) = a[ai + i·rs + p·cs]}
 * and {@code Bp} an NR-wide packed panel of B at {@code bi}. {@code k8x3} (24 accumulators) is the
 * tile for 32 vector registers (AVX-512), {@code k6x4} (24) the one for 32 registers of 128 bits
 * (NEON, x86 at {@code -XX:MaxVectorSize=16}), {@code k4x3} (12, in {@link GemmKernels4x3}) the one
 * for 16 (AVX2), {@code k6x2} (12, in {@link GemmKernels6x2}) its predecessor there; the narrower
 * ones compute a last panel of one or two vectors' width. Every kernel sums an element in
 * the same order (p ascending, one FMA per step) and scales by alpha once at the end, so a value
 * does not depend on which kernel computed it.
 *
 * <p>Each kernel is written out by hand and kept in one method: C2 must keep the accumulators in
 * registers, which it stops doing when they cross a call it declines to inline, or when there are
 * more of them than registers (it then spills them inside the loop). {@link #run} picks the kernel
 * from constants, so C2 folds the choice away.
 */
final class GemmKernels {
    private GemmKernels() {}

    /**
     * Runs the kernel for {@code vectors} (1 … NR/L) vectors of columns:
     * {@code C[ci + i·ldc + j] = alpha · Σ_p A(i, p) · Bp[p, j]} for {@code i < MR, j < vectors·L}.
     */
    static void run(int vectors, int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                    float[] c, int ci, int ldc, float alpha) {
        if (MR == 4) {
            if (vectors == 3) {
                if (cs == 1) { // an untransposed A in place
                    GemmKernels4x3.k4x3r(kc, a, ai, rs, bp, bi, c, ci, ldc, alpha);
                } else { // a packed panel: cs 4 (VectorGemm.PACK_TRANSPOSED_A packs every transposed A)
                    GemmKernels4x3.k4x3p(kc, a, ai, rs, bp, bi, c, ci, ldc, alpha);
                }
            } else if (vectors == 2 && cs == 1) {
                GemmKernels4x3.k4x2r(kc, a, ai, rs, bp, bi, c, ci, ldc, alpha);
            } else if (vectors == 2 && cs == 4 && rs == 1) {
                GemmKernels4x3.k4x2p(kc, a, ai, rs, bp, bi, c, ci, ldc, alpha);
            } else if (vectors == 2) {
                GemmKernels4x3.k4x2(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
            } else {
                GemmKernels4x3.k4x1(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
            }
        } else if (MR == 8) {
            if (vectors == 3) {
                k8x3(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
            } else if (vectors == 2) {
                k8x2(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
            } else {
                k8x1(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
            }
        } else if (NR == 4 * L && vectors >= 3) {
            k6x4(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha); // a 3-vector last panel too: its tile is NR wide
        } else if (vectors == 2) {
            if (rs == 1 && cs == 6) {
                GemmKernels6x2.k6x2p(kc, a, ai, bp, bi, c, ci, ldc, alpha);
            } else {
                GemmKernels6x2.k6x2(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
            }
        } else {
            GemmKernels6x2.k6x1(kc, a, ai, rs, cs, bp, bi, c, ci, ldc, alpha);
        }
    }

    static void k8x3(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00;
        FloatVector c60 = c00, c61 = c00, c62 = c00;
        FloatVector c70 = c00, c71 = c00, c72 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + r6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61); c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + r7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71); c72 = a7.fma(b2, c72);
            ai += cs;
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
        ci += ldc;
        c40.mul(va).intoArray(c, ci); c41.mul(va).intoArray(c, ci + L); c42.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c50.mul(va).intoArray(c, ci); c51.mul(va).intoArray(c, ci + L); c52.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c60.mul(va).intoArray(c, ci); c61.mul(va).intoArray(c, ci + L); c62.mul(va).intoArray(c, ci + 2 * L);
        ci += ldc;
        c70.mul(va).intoArray(c, ci); c71.mul(va).intoArray(c, ci + L); c72.mul(va).intoArray(c, ci + 2 * L);
    }

    /**
     * {@link #k8x3} merged into C ({@code beta ≠ 0}): {@code C[i, j] = fma(Σ_p A(i, p) · Bp[p, j],
     * alpha, beta · C[i, j])}, the rounding of {@code VectorGemm}'s merge of a scratch tile (whose
     * sum {@link #k8x3} stores times 1, exactly), without the scratch tile's 24 stores and 24 loads.
     * A kernel of its own: with both endings in one method, C1 ran out of registers compiling it
     * at tier 3 and C2 compiled it late; the merge is written out, not in a helper, since
     * accumulators passed to a method were boxed (the products ran at a tenth of the speed).
     */
    static void k8x3m(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                      float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00;
        FloatVector c60 = c00, c61 = c00, c62 = c00;
        FloatVector c70 = c00, c71 = c00, c72 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + r6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61); c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + r7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71); c72 = a7.fma(b2, c72);
            ai += cs;
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
        ci += ldc;
        c40.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c41.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c42.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c50.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c51.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c52.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c60.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c61.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c62.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
        ci += ldc;
        c70.fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci); c71.fma(va, FloatVector.fromArray(S, c, ci + L).mul(vb)).intoArray(c, ci + L); c72.fma(va, FloatVector.fromArray(S, c, ci + 2 * L).mul(vb)).intoArray(c, ci + 2 * L);
    }

    static void k8x2(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00;
        FloatVector c70 = c00, c71 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
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
            FloatVector a6 = FloatVector.broadcast(S, a[ai + r6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + r7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
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
        ci += ldc;
        c60.mul(va).intoArray(c, ci); c61.mul(va).intoArray(c, ci + L);
        ci += ldc;
        c70.mul(va).intoArray(c, ci); c71.mul(va).intoArray(c, ci + L);
    }

    static void k8x1(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = c00;
        FloatVector c20 = c00;
        FloatVector c30 = c00;
        FloatVector c40 = c00;
        FloatVector c50 = c00;
        FloatVector c60 = c00;
        FloatVector c70 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
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
            FloatVector a6 = FloatVector.broadcast(S, a[ai + r6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + r7]);
            c70 = a7.fma(b0, c70);
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
        ci += ldc;
        c60.mul(va).intoArray(c, ci);
        ci += ldc;
        c70.mul(va).intoArray(c, ci);
    }

    /**
     * The 128-bit tile for 32 registers (24 accumulators, 4 vectors of B, 1 broadcast): 6 rows × 16
     * floats, a whole 64-byte line of C per row. At 128 bits a vector is only 4 floats, so the 8 × 3
     * tile does 3 FMAs per broadcast of A and 8 broadcasts (each a load and a shuffle, behind a range
     * check) per 24 FMAs; this one does 4 per broadcast and 6 per 24, and its panels divide the
     * power-of-two widths (512 / 16) with no narrow last panel. See {@link MachineShape#chooseTiles}.
     */
    static void k6x4(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
                     float[] c, int ci, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + r1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
            ai += cs;
            bi += NR;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00.mul(va).intoArray(c, ci); c01.mul(va).intoArray(c, ci + L); c02.mul(va).intoArray(c, ci + 2 * L); c03.mul(va).intoArray(c, ci + 3 * L);
        ci += ldc;
        c10.mul(va).intoArray(c, ci); c11.mul(va).intoArray(c, ci + L); c12.mul(va).intoArray(c, ci + 2 * L); c13.mul(va).intoArray(c, ci + 3 * L);
        ci += ldc;
        c20.mul(va).intoArray(c, ci); c21.mul(va).intoArray(c, ci + L); c22.mul(va).intoArray(c, ci + 2 * L); c23.mul(va).intoArray(c, ci + 3 * L);
        ci += ldc;
        c30.mul(va).intoArray(c, ci); c31.mul(va).intoArray(c, ci + L); c32.mul(va).intoArray(c, ci + 2 * L); c33.mul(va).intoArray(c, ci + 3 * L);
        ci += ldc;
        c40.mul(va).intoArray(c, ci); c41.mul(va).intoArray(c, ci + L); c42.mul(va).intoArray(c, ci + 2 * L); c43.mul(va).intoArray(c, ci + 3 * L);
        ci += ldc;
        c50.mul(va).intoArray(c, ci); c51.mul(va).intoArray(c, ci + L); c52.mul(va).intoArray(c, ci + 2 * L); c53.mul(va).intoArray(c, ci + 3 * L);
    }
}
