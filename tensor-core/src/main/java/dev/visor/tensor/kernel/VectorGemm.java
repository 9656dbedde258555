package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API GEMM: a register-blocked 8 × 3-vector micro-kernel over packed panels of B,
 * following the Goto/BLIS loop nest. Loaded only when {@link VectorSupport#available()}.
 *
 * <p>Loop nest for one block {@code C[m0:m1, n0:n1]} (one thread's share):
 * <pre>
 * for jc in columns, step nc ≤ NC_MAX          B block kc×nc packed once, lives in L2
 *   for pc in 0..k, step KC                     beta applies on the first pc only
 *     pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels
 *     for ir in rows, step MR                   A micro-panel MR×kc read in place, lives in L1
 *       for jr in 0..nc, step NR                the micro-kernel: MR×NR of C in 24 registers
 * </pre>
 * A is not packed: the kernel broadcasts {@code A(i, p)} straight from the caller's array with a
 * row stride and a column stride, which covers both {@code op(A) = A} and {@code op(A) = Aᵀ}. Rows
 * past the end of a block (fewer than MR) are copied into a zero-padded edge buffer; columns past
 * the end are zero in the packed panel, and such partial tiles are computed into a scratch tile and
 * merged (a last panel of one or two vectors' width runs a narrower kernel). Sizes were picked by measurement on a Zen 5 core (48 KiB L1d, 1 MiB L2), see
 * {@code benchmarks/README.md}: 512-bit vectors (16 lanes, so NR = 48), KC = 256, NC_MAX = 512.
 *
 * <p>The kernel is written out by hand and kept in one method: C2 must keep the 24 accumulators in
 * registers, which it stops doing when they cross a call it declines to inline.
 */
final class VectorGemm {
    /** The widest species the CPU runs natively (512-bit with AVX-512, where it doubles the FMA rate). */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();
    /** Rows of C per micro-kernel call. */
    static final int MR = 8;
    /** Columns of C per micro-kernel call (three vectors). */
    static final int NR = 3 * L;
    /** Depth of one packed panel: an NR-wide panel of B is {@code KC * NR * 4} bytes. */
    static final int KC = 256;
    /** Widest block of packed B ({@code KC * NC_MAX * 4} bytes, half of L2). */
    static final int NC_MAX = 512;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private VectorGemm() {}

    /** Per-thread scratch: packed B, the edge rows of A and one MR×NR tile of C. */
    private static final class Workspace {
        final float[] packedB = new float[KC * (NC_MAX + NR)];
        final float[] edgeA = new float[MR * KC];
        final float[] tile = new float[MR * NR];
    }

    /**
     * Computes {@code C[m0:m1, n0:n1] = alpha · op(A)[m0:m1, :] · op(B)[:, n0:n1] + beta · C[m0:m1, n0:n1]}
     * on the calling thread. Arguments are already validated; {@code k > 0}.
     */
    static void block(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        float[] bp = ws.packedB;
        float[] edge = ws.edgeA;
        float[] tile = ws.tile;
        int rs = transA ? 1 : lda; // distance between A(i, p) and A(i + 1, p)
        int cs = transA ? lda : 1; // distance between A(i, p) and A(i, p + 1)
        int width = n1 - n0;
        int blocks = (width + NC_MAX - 1) / NC_MAX;
        int ncStep = ((width + blocks - 1) / blocks + NR - 1) / NR * NR;
        for (int jc = n0; jc < n1; jc += ncStep) {
            int nc = Math.min(ncStep, n1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                float betaNow = pc == 0 ? beta : 1f;
                for (int ir = m0; ir < m1; ir += MR) {
                    int rows = Math.min(MR, m1 - ir);
                    float[] as = a;
                    int ai = aOff + ir * rs + pc * cs;
                    int ars = rs;
                    int acs = cs;
                    if (rows < MR) {
                        for (int i = 0; i < MR; i++) {
                            for (int p = 0; p < kc; p++) {
                                edge[i * kc + p] = i < rows ? a[ai + i * rs + p * cs] : 0f;
                            }
                        }
                        as = edge;
                        ai = 0;
                        ars = kc;
                        acs = 1;
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int ci = cOff + ir * ldc + jc + jr;
                        boolean full = rows == MR && cols == NR;
                        if (full && betaNow == 0f) {
                            kernel(kc, as, ai, ars, acs, bp, jr * kc, c, ci, ldc, alpha);
                        } else {
                            // a narrow last panel only computes the vectors it needs
                            if (cols <= L) {
                                kernel1(kc, as, ai, ars, acs, bp, jr * kc, tile);
                            } else if (cols <= 2 * L) {
                                kernel2(kc, as, ai, ars, acs, bp, jr * kc, tile);
                            } else {
                                kernel(kc, as, ai, ars, acs, bp, jr * kc, tile, 0, NR, 1f);
                            }
                            if (full) {
                                mergeFull(tile, alpha, betaNow, c, ci, ldc);
                            } else {
                                mergeTile(tile, rows, cols, alpha, betaNow, c, ci, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code C[0:MR, 0:NR] = fma(tile, alpha, beta · C)}, beta ≠ 0, vectorised. */
    private static void mergeFull(float[] tile, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        for (int i = 0; i < MR; i++, ci += ldc) {
            for (int v = 0; v < NR; v += L) {
                FloatVector acc = FloatVector.fromArray(S, tile, i * NR + v);
                acc.fma(va, FloatVector.fromArray(S, c, ci + v).mul(vb)).intoArray(c, ci + v);
            }
        }
    }

    /**
     * {@code C[0:rows, 0:cols] = alpha · tile + beta · C} (beta == 0 ignores C), rounded exactly as
     * {@link #kernel} and {@link #mergeFull}, so an element's value does not depend on whether it
     * sat in a full tile (nor, therefore, on how the work was split between threads).
     */
    private static void mergeTile(float[] tile, int rows, int cols, float alpha, float beta,
                                  float[] c, int ci, int ldc) {
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

    /**
     * Packs {@code op(B)[pc:pc+kc, jc:jc+nc]} into panels of NR columns: panel {@code q} holds, for
     * each p, the NR values of row p contiguously at {@code q * NR * kc + p * NR}; columns past
     * {@code nc} are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {
                int src = bOff + pc * ldb + jc + jr;
                if (cols == NR) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int dst = base + p * NR;
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                        FloatVector.fromArray(S, b, src + 2 * L).intoArray(bp, dst + 2 * L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int dst = base + p * NR;
                        System.arraycopy(b, src, bp, dst, cols);
                        java.util.Arrays.fill(bp, dst + cols, dst + NR, 0f);
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    int dst = base + j;
                    if (j < cols) {
                        int src = bOff + (jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++, dst += NR) {
                            bp[dst] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++, dst += NR) {
                            bp[dst] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: {@code C[0:8, 0:NR] = alpha · Σ_p A(i, p) · Bp[p, j]} with
     * {@code A(i, p) = a[ai + i * rs + p * cs]}, {@code Bp} an NR-wide packed panel at {@code bi}.
     * It only writes C: accumulating into C (beta ≠ 0) goes through the scratch tile and
     * {@link #mergeFull}, which keeps this method small enough for C2 to compile it quickly (the
     * first calls run in the interpreter until it has).
     */
    static void kernel(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi,
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
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs;
        int r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
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
     * The micro-kernel for a last panel of at most one vector of columns (e.g. n = 64 = 48 + 16):
     * {@code tile[0:8, 0:L] = Σ_p A(i, p) · Bp[p, 0:L]}, summed in the same order as {@link #kernel}.
     */
    static void kernel1(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = c00;
        FloatVector c20 = c00;
        FloatVector c30 = c00;
        FloatVector c40 = c00;
        FloatVector c50 = c00;
        FloatVector c60 = c00;
        FloatVector c70 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs;
        int r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
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
        c00.intoArray(tile, 0 * NR);
        c10.intoArray(tile, 1 * NR);
        c20.intoArray(tile, 2 * NR);
        c30.intoArray(tile, 3 * NR);
        c40.intoArray(tile, 4 * NR);
        c50.intoArray(tile, 5 * NR);
        c60.intoArray(tile, 6 * NR);
        c70.intoArray(tile, 7 * NR);
    }

    /** As {@link #kernel1} for a last panel of at most two vectors of columns (e.g. n = 128 = 96 + 32). */
    static void kernel2(int kc, float[] a, int ai, int rs, int cs, float[] bp, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00;
        FloatVector c70 = c00, c71 = c00;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs;
        int r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
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
        c00.intoArray(tile, 0 * NR); c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR); c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }
}
