package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link MatVec} against {@link Gemm#reference}: the decode shapes, ragged edges, both paths and thread counts. */
class MatVecTest {

    @ParameterizedTest(name = "{0}x{1}x{2} threads={3}")
    @CsvSource({
        "1, 2048, 512, 2",    // one token through ffnUp: the shape
        "1, 2048, 512, 1",
        "1, 512, 2048, 2",    // ffnDown
        "3, 1536, 512, 2",    // three beams through the fused QKV projection
        "1, 7, 37, 2",        // fewer rows than a block, a ragged depth
        "2, 131, 45, 2",      // a ragged last block of W, depth below two vectors
        "1, 1, 1, 1",
        "1, 5, 0, 1",         // k = 0: C = beta · C
        "1, 3, 16, 1",        // one vector per row at 512 bits: only the lane sum in registers
        "2, 9, 80, 1",        // five 512-bit vectors: four-vector steps, one single step, no tail
        "1, 4, 7, 1",         // shorter than one vector at every width: the tail alone
        "1, 2, 64, 1",        // one pair of rows: output 0 with output 1
        "1, 3, 64, 1",        // odd n: outputs 0 and 2 paired, output 1 alone
        "3, 1025, 512, 2",    // odd n on two threads: the last chunk ends on the unpaired output
        "2, 67, 21, 2",       // odd n, pairs with single steps and a tail on both rows
    })
    void matchesTheReference(int m, int n, int k, int threads) {
        var rng = new SplittableRandom(m * 131L + n * 17L + k);
        int lda = k + 3;
        int ldw = k + 1;
        int ldc = n + 2;
        float[] a = GemmCheck.random(rng, 1 + m * lda);
        float[] w = GemmCheck.random(rng, 5 + n * ldw);
        float[] c0 = GemmCheck.random(rng, 3 + m * ldc);
        float[] expected = c0.clone();
        Gemm.reference(false, true, m, n, k, 0.75f, a, 1, lda, w, 5, ldw, -0.5f, expected, 3, ldc);
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            float[] viaMatVec = c0.clone();
            MatVec.multiply(m, n, k, 0.75f, a, 1, lda, w, 5, ldw, -0.5f, viaMatVec, 3, ldc);
            GemmCheck.assertClose("matvec", false, true, m, n, k, 0.75f, a, 1, lda, w, 5, ldw, -0.5f,
                    c0, expected, viaMatVec, 3, ldc);
            float[] viaGemm = c0.clone();
            Gemm.sgemm(false, true, m, n, k, 0.75f, a, 1, lda, w, 5, ldw, -0.5f, viaGemm, 3, ldc);
            assertArrayEquals(viaMatVec, viaGemm, "Gemm.sgemm sends few-row products with W transposed to MatVec");
            // the scalar twin gives the vector kernel's bits, so the warm-up gate never shows in results
            float[] twin = c0.clone();
            MatVec.run(m, n, k, 0.75f, a, 1, lda, w, 5, ldw, -0.5f, twin, 3, ldc, threads, false);
            assertArrayEquals(viaMatVec, twin, "scalar twin");
            if (VectorSupport.available()) {
                float[] vector = c0.clone();
                MatVec.run(m, n, k, 0.75f, a, 1, lda, w, 5, ldw, -0.5f, vector, 3, ldc, threads, true);
                assertArrayEquals(twin, vector, "vector kernel against its scalar twin");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void scalarPathMatchesTheReference() {
        var rng = new SplittableRandom(7);
        int m = 2;
        int n = 37;
        int k = 70;
        float[] a = GemmCheck.random(rng, m * k);
        float[] w = GemmCheck.random(rng, n * k);
        float[] c0 = GemmCheck.random(rng, m * n);
        float[] expected = c0.clone();
        Gemm.reference(false, true, m, n, k, 1f, a, 0, k, w, 0, k, 0f, expected, 0, n);
        float[] actual = c0.clone();
        MatVec.scalarRows(0, n, m, k, 1f, a, 0, k, w, 0, k, 0f, actual, 0, n, 4);
        GemmCheck.assertClose("scalar matvec", false, true, m, n, k, 1f, a, 0, k, w, 0, k, 0f, c0, expected, actual, 0, n);
    }

    @Test
    void sameBitsOnOneAndTwoThreads() {
        var rng = new SplittableRandom(3);
        int n = 2048;
        int k = 512;
        float[] a = GemmCheck.random(rng, k);
        float[] w = GemmCheck.random(rng, n * k);
        float[] one = new float[n];
        float[] two = new float[n];
        MatVec.run(1, n, k, 1f, a, 0, k, w, 0, k, 0f, one, 0, n, 1, VectorSupport.available());
        MatVec.run(1, n, k, 1f, a, 0, k, w, 0, k, 0f, two, 0, n, 2, VectorSupport.available());
        assertArrayEquals(one, two);
    }

    @Test
    void warmUpGateOpensOnceTheVectorProbeWins() throws InterruptedException {
        int[] calls = new int[2];
        var gate = new JitWarmup("test", 10, () -> calls[0]++, () -> {
            calls[1]++;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < 200_000) {
                Thread.onSpinWait();    // the "scalar" probe is always the slower
            }
        });
        assertTrue(!gate.vectorReady(4) || !Boolean.parseBoolean(System.getProperty("visor.warmup", "true")),
                "below startAfter the gate stays shut");
        gate.vectorReady(6);                                  // reaches startAfter: the warm-up thread starts
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!gate.isReady() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(gate.vectorReady(1), "the gate opens after three rounds the vector probe wins");
    }

    @Test
    void productsReportWhenTheVectorKernelIsInUse() throws InterruptedException {
        float[] a = new float[512];
        float[] w = new float[2048 * 512];
        float[] c = new float[2048];
        long deadline = System.nanoTime() + 30_000_000_000L;   // the warm-up thread opens the gate by 20 s at the latest
        while (!MatVec.warmedUp() && System.nanoTime() < deadline) {
            MatVec.multiply(1, 2048, 512, 1f, a, 0, 512, w, 0, 512, 0f, c, 0, 2048);
            Thread.sleep(1);
        }
        assertTrue(MatVec.warmedUp(), "the gate opens once the callers' work starts the warm-up");
    }

    @Test
    void betaZeroIgnoresNaN() {
        float[] c = {Float.NaN, Float.NaN};
        MatVec.multiply(1, 2, 1, 1f, new float[] {2f}, 0, 1, new float[] {3f, 4f}, 0, 1, 0f, c, 0, 2);
        assertArrayEquals(new float[] {6f, 8f}, c);
    }

    @Test
    void badShapesNameTheValues() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> MatVec.multiply(1, 4, 8, 1f, new float[8], 0, 8, new float[31], 0, 8, 0f, new float[4], 0, 4));
        assertTrue(e.getMessage().contains("W (4×8") && e.getMessage().contains("31"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MatVec.multiply(1, 4, 8, 1f, new float[8], 0, 4, new float[32], 0, 8, 0f, new float[4], 0, 4));
        assertTrue(e.getMessage().contains("leading dimension 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MatVec.multiply(-1, 4, 8, 1f, new float[8], 0, 8, new float[32], 0, 8, 0f, new float[4], 0, 4));
    }
}
