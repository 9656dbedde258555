package dev.visor.tensor.kernel;

/**
 * The GEMM used when the Vector API is absent: plain Java shaped so that C2's auto-vectoriser
 * (SuperWord) turns the inner loop into SIMD code.
 *
 * <p>SuperWord vectorises {@code acc[j] += a * b[j]} when both arrays are indexed from zero by the
 * loop variable, and declines the same loop over one flat array with offsets. So op(B)'s block
 * {@code [pc:pc+kc, jc:jc+nc]} is packed into {@code kc} separate rows, four rows of C are
 * accumulated in four zero-based scratch rows (each element of B is loaded once per four FMAs),
 * and the result is merged into C with alpha and beta at the end of each {@code kc} step.
 * Java does not fuse {@code a * b + c} into an FMA, so this path rounds twice per step where the
 * Vector API kernel rounds once: the two agree to float tolerance, not bitwise.
 */
final class ScalarGemm {
    /** Rows of C per inner step. */
    static final int MR = 4;
    /** Granularity of column splits between threads. */
    static final int NR = 64;
    /** Depth of one packed block of B. */
    static final int KC = 256;
    /** Widest block of packed B. */
    static final int NC_MAX = 512;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private ScalarGemm() {}

    /** Per-thread scratch: the packed rows of B and four accumulator rows. */
    private static final class Workspace {
        final float[][] packedB = new float[KC][NC_MAX];
        final float[] acc0 = new float[NC_MAX];
        final float[] acc1 = new float[NC_MAX];
        final float[] acc2 = new float[NC_MAX];
        final float[] acc3 = new float[NC_MAX];
    }

    /**
     * Computes {@code C[m0:m1, n0:n1] = alpha · op(A)[m0:m1, :] · op(B)[:, n0:n1] + beta · C[m0:m1, n0:n1]}
     * on the calling thread. Arguments are already validated; {@code k > 0}.
     */
    static void block(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        float[][] bRows = ws.packedB;
        float[] acc0 = ws.acc0;
        float[] acc1 = ws.acc1;
        float[] acc2 = ws.acc2;
        float[] acc3 = ws.acc3;
        int rs = transA ? 1 : lda;
        int cs = transA ? lda : 1;
        for (int jc = n0; jc < n1; jc += NC_MAX) {
            int nc = Math.min(NC_MAX, n1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                for (int p = 0; p < kc; p++) {
                    float[] row = bRows[p];
                    if (transB) {
                        int src = bOff + jc * ldb + pc + p;
                        for (int j = 0; j < nc; j++, src += ldb) {
                            row[j] = b[src];
                        }
                    } else {
                        System.arraycopy(b, bOff + (pc + p) * ldb + jc, row, 0, nc);
                    }
                }
                float betaNow = pc == 0 ? beta : 1f;
                for (int i0 = m0; i0 < m1; i0 += MR) {
                    int rows = Math.min(MR, m1 - i0);
                    java.util.Arrays.fill(acc0, 0, nc, 0f);
                    java.util.Arrays.fill(acc1, 0, nc, 0f);
                    java.util.Arrays.fill(acc2, 0, nc, 0f);
                    java.util.Arrays.fill(acc3, 0, nc, 0f);
                    int ai = aOff + i0 * rs + pc * cs;
                    for (int p = 0; p < kc; p++, ai += cs) {
                        float[] row = bRows[p];
                        float x0 = a[ai];
                        float x1 = rows > 1 ? a[ai + rs] : 0f;
                        float x2 = rows > 2 ? a[ai + 2 * rs] : 0f;
                        float x3 = rows > 3 ? a[ai + 3 * rs] : 0f;
                        for (int j = 0; j < nc; j++) {
                            float bj = row[j];
                            acc0[j] += x0 * bj;
                            acc1[j] += x1 * bj;
                            acc2[j] += x2 * bj;
                            acc3[j] += x3 * bj;
                        }
                    }
                    int ci = cOff + i0 * ldc + jc;
                    merge(acc0, nc, alpha, betaNow, c, ci);
                    if (rows > 1) {
                        merge(acc1, nc, alpha, betaNow, c, ci + ldc);
                    }
                    if (rows > 2) {
                        merge(acc2, nc, alpha, betaNow, c, ci + 2 * ldc);
                    }
                    if (rows > 3) {
                        merge(acc3, nc, alpha, betaNow, c, ci + 3 * ldc);
                    }
                }
            }
        }
    }

    private static void merge(float[] acc, int nc, float alpha, float beta, float[] c, int ci) {
        if (beta == 0f) {
            for (int j = 0; j < nc; j++) {
                c[ci + j] = alpha * acc[j];
            }
        } else {
            for (int j = 0; j < nc; j++) {
                c[ci + j] = alpha * acc[j] + beta * c[ci + j];
            }
        }
    }
}
