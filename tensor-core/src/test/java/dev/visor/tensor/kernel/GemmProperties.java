package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Gemm#sgemm} and {@link Gemm#sgemmBatch} against {@link Gemm#reference} on random shapes
 * (1, primes, sizes around the vector and tile widths), transposes, alpha/beta, offsets, padded
 * leading dimensions and 1 or 2 threads. With 2 threads the splitting threshold is lowered so
 * these small products really are split.
 */
class GemmProperties {

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.oneOf(
                Arbitraries.of(1, 2, 7, 8, 9, 15, 16, 17, 23, 31, 47, 48, 49, 53, 61, 64, 67, 70),
                Arbitraries.integers().between(1, 70));
    }

    @Provide
    Arbitrary<Float> alphas() {
        return Arbitraries.of(1f, -1f, 0.5f, 2.5f, 0f);
    }

    @Provide
    Arbitrary<Float> betas() {
        return Arbitraries.of(0f, 1f, -0.75f, 2f);
    }

    @Property
    void matchesTheReference(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
                             @ForAll boolean transA, @ForAll boolean transB,
                             @ForAll("alphas") float alpha, @ForAll("betas") float beta,
                             @ForAll @IntRange(max = 5) int pad, @ForAll @IntRange(max = 9) int off,
                             @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int lda = (transA ? m : k) + pad;
        int ldb = (transB ? k : n) + (pad + 1) % 4;
        int ldc = n + pad / 2;
        int aOff = off;
        int bOff = off / 2;
        int cOff = (off * 7) % 5;
        float[] a = GemmCheck.random(rng, aOff + (transA ? k : m) * lda + 3);
        float[] b = GemmCheck.random(rng, bOff + (transB ? n : k) * ldb + 2);
        float[] c0 = GemmCheck.random(rng, cOff + m * ldc + 4);
        if (beta == 0f) {
            // beta == 0 must ignore C entirely, NaN included
            for (int i = 0; i < m; i++) {
                Arrays.fill(c0, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
            }
        }
        float[] expected = c0.clone();
        Gemm.reference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        float[] actual = c0.clone();
        withThreads(threads, () -> Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, actual, cOff, ldc));
        GemmCheck.assertClose("sgemm", transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c0, expected, actual, cOff, ldc);
    }

    @Property
    void doesNotDependOnTheThreadCount(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
                                       @ForAll boolean transA, @ForAll boolean transB, @ForAll long seed) {
        float[][] x = GemmCheck.operands(new SplittableRandom(seed), m, n, k);
        float[] a = x[0];
        float[] b = x[1];
        float[] c0 = x[2];
        float[] one = c0.clone();
        float[] two = c0.clone();
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        withThreads(1, () -> Gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1.5f, one, 0, n));
        withThreads(2, () -> Gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, 1.5f, two, 0, n));
        assertArrayEquals(one, two, "1 and 2 threads must sum every element in the same order");
    }

    @Property
    void batchesMatchTheReferencePerProduct(@ForAll @IntRange(min = 1, max = 5) int batch,
                                            @ForAll("dims") int m, @ForAll("dims") int n,
                                            @ForAll @IntRange(min = 1, max = 40) int k,
                                            @ForAll boolean transA, @ForAll boolean transB,
                                            @ForAll boolean sharedA, @ForAll("betas") float beta,
                                            @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        int strideA = sharedA ? 0 : m * k + 3;
        int strideB = k * n + 1;
        int strideC = m * n + 2;
        float[] a = GemmCheck.random(rng, 5 + strideA * (batch - 1) + m * k);
        float[] b = GemmCheck.random(rng, strideB * batch);
        float[] c0 = GemmCheck.random(rng, 1 + strideC * batch);
        float[] actual = c0.clone();
        withThreads(threads, () -> Gemm.sgemmBatch(batch, transA, transB, m, n, k, 0.75f,
                a, 5, lda, strideA, b, 0, ldb, strideB, beta, actual, 1, n, strideC));
        float[] expected = c0.clone();
        for (int i = 0; i < batch; i++) {
            Gemm.reference(transA, transB, m, n, k, 0.75f, a, 5 + i * strideA, lda, b, i * strideB, ldb,
                    beta, expected, 1 + i * strideC, n);
        }
        for (int i = 0; i < batch; i++) {
            float[] c0i = Arrays.copyOfRange(c0, 1 + i * strideC, 1 + i * strideC + m * n);
            float[] ei = Arrays.copyOfRange(expected, 1 + i * strideC, 1 + i * strideC + m * n);
            float[] ai = Arrays.copyOfRange(actual, 1 + i * strideC, 1 + i * strideC + m * n);
            GemmCheck.assertClose("batch item " + i, transA, transB, m, n, k, 0.75f, a, 5 + i * strideA, lda,
                    b, i * strideB, ldb, beta, c0i, ei, ai, 0, n);
        }
        for (int i = 0; i < batch; i++) {
            // the gaps between the C matrices are untouched
            int gap = 1 + i * strideC + m * n;
            assertEquals(c0[gap], actual[gap]);
            assertEquals(c0[gap + 1], actual[gap + 1]);
        }
        assertEquals(c0[0], actual[0]);
    }

    /** Runs {@code body} with the given thread count and, for 2, with every product split. */
    static void withThreads(int threads, Runnable body) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        Gemm.setParallelMinWork(threads > 1 ? 0 : Gemm.PARALLEL_MIN_WORK);
        try {
            body.run();
        } finally {
            Gemm.setParallelMinWork(Gemm.PARALLEL_MIN_WORK);
            Parallel.setThreads(before);
        }
    }
}
