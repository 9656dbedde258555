package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Test data and the error bound the GEMM tests share. */
final class GemmCheck {
    private GemmCheck() {}

    /** Uniform values in [-1, 1). */
    /**
     * {@code Σ_p A(i, p) · Bp[p, j]} summed as every kernel sums it, one FMA per step over p ascending,
     * for {@code A(i, p) = a[ai + i·lda + p]} and a packed panel of B whose rows are {@code nr} apart
     * from {@code bi}.
     */
    static float fmaChain(float[] a, int ai, int lda, float[] bp, int bi, int nr, int kc, int i, int j) {
        float acc = 0f;
        for (int p = 0; p < kc; p++) {
            acc = Math.fma(a[ai + i * lda + p], bp[bi + p * nr + j], acc);
        }
        return acc;
    }

    static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Random operands of an m×n×k product, stored compactly: {@code {A (m·k), B (k·n), C (m·n)}}. */
    static float[][] operands(SplittableRandom rng, int m, int n, int k) {
        return new float[][] {random(rng, m * k), random(rng, k * n), random(rng, m * n)};
    }

    /**
     * Computes every {@code {m, n, k}} of {@code shapes} in all four layouts (alpha 0.75 for a
     * transposed A alone, beta 1.5 with a transposed B), on one thread and then split across two
     * ({@code Gemm.setParallelMinWork(1)}), and returns a digest of every bit of the results: what
     * child JVMs running one setting each print, to be compared with one another.
     */
    static long productDigest(int[][] shapes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long digest = 17;
        Gemm.setParallelMinWork(1);
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                for (int layout = 0; layout < 4; layout++) {
                    boolean transA = (layout & 1) != 0;
                    boolean transB = (layout & 2) != 0;
                    float[][] op = operands(rng, m, n, k);
                    float alpha = layout == 1 ? 0.75f : 1f;
                    float beta = layout >= 2 ? 1.5f : 0f;
                    Gemm.sgemm(transA, transB, m, n, k, alpha, op[0], 0, transA ? m : k, op[1], 0, transB ? k : n,
                            beta, op[2], 0, n);
                    for (float v : op[2]) {
                        digest = digest * 31 + Float.floatToRawIntBits(v);
                    }
                }
            }
        }
        Parallel.setThreads(1);
        return digest;
    }

    /**
     * Asserts that {@code actual} is within float rounding of the exact product. For each element
     * the bound is the classical one for a k-term float dot product plus the alpha/beta update,
     * {@code γ · (|alpha| Σ_p |A(i,p) B(p,j)| + |beta C(i,j)|)} with {@code γ = (k + 3) · 2⁻²³}
     * (twice the unit roundoff, since both the kernel and the double-accumulated oracle are compared
     * through float storage). Entries of C outside the m×n window (padding) must be unchanged.
     */
    static void assertClose(String what, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c0, float[] expected, float[] actual, int cOff, int ldc) {
        double gamma = (k + 3) * 0x1p-23;
        for (int idx = 0; idx < actual.length; idx++) {
            int rel = idx - cOff;
            int i = rel >= 0 ? rel / ldc : -1;
            int j = rel >= 0 ? rel % ldc : -1;
            boolean inside = rel >= 0 && i < m && j < n;
            if (!inside) {
                if (Float.floatToRawIntBits(actual[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(what + ": element " + idx + " outside C was changed from " + c0[idx] + " to " + actual[idx]);
                }
                continue;
            }
            double mag = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                mag += Math.abs((double) av * bv);
            }
            double bound = gamma * (Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs(beta * c0[idx]))) + 1e-37;
            double err = Math.abs((double) actual[idx] - expected[idx]);
            if (!(err <= bound)) {
                fail(what + ": C(" + i + ", " + j + ") = " + actual[idx] + " but the reference gives " + expected[idx]
                        + " (error " + err + " > bound " + bound + ") for m=" + m + " n=" + n + " k=" + k
                        + " transA=" + transA + " transB=" + transB + " alpha=" + alpha + " beta=" + beta);
            }
        }
    }
}
