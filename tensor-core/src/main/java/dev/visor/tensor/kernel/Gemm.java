package dev.visor.tensor.kernel;

/**
 * Single-precision general matrix multiply on flat arrays, BLAS style:
 * {@code C = alpha · op(A) · op(B) + beta · C}, where {@code op(X)} is X or Xᵀ.
 *
 * <p>Matrices are row-major with a leading dimension (the distance between rows): element
 * {@code (i, j)} of A is {@code a[aOff + i * lda + j]} when A is not transposed. {@code op(A)} is
 * m×k, {@code op(B)} is k×n and C is m×n. When {@code beta == 0}, C's previous contents are ignored
 * (NaN in C does not leak through).
 *
 * <p>{@link #reference} is the plain triple loop kept as the oracle for the fast kernel.
 */
public final class Gemm {
    private Gemm() {}

    /** The fast kernel (currently the reference; to be replaced by the blocked Vector API kernel). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        reference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The oracle: a plain triple loop, accumulated in double. */
    public static void reference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * s + (beta == 0f ? 0.0 : (double) beta * c[ci]));
            }
        }
    }
}
