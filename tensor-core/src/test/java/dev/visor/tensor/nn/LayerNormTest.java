package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class LayerNormTest {

    @Test
    void matchesThePlainReferenceForAnyRowLength() {
        Rng rng = new Rng(21);
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 64, 513}) {
            for (int rows : new int[] {1, 70}) {
                for (boolean affine : new boolean[] {false, true}) {
                    Tensor x = Tensor.randn(rng, rows, n).mul(3f).add(100f);   // a large mean: the centring matters
                    Tensor w = affine ? Tensor.randn(rng, n) : null;
                    Tensor b = affine ? Tensor.randn(rng, n) : null;
                    float[] y = Functional.layerNorm(x, new int[] {n}, w, b, 1e-5).toArray();
                    float[] expected = LayerNormOp.reference(x.toArray(), rows, n, w == null ? null : w.toArray(),
                            b == null ? null : b.toArray(), 1e-5);
                    assertClose(expected, y, 1e-5, 1e-6, "n=" + n + " rows=" + rows + " affine=" + affine);
                }
            }
        }
    }

    @Test
    void gradientsMatchThePlainReferenceForAnyRowLength() {
        Rng rng = new Rng(23);
        for (int n : new int[] {1, 2, 3, 5, 8, 15, 16, 17, 33, 64, 100, 513}) {
            for (boolean affine : new boolean[] {false, true}) {
                int rows = 70; // more than one block of rows per partial sum of dw and db
                Tensor x = Tensor.randn(rng, rows, n).mul(3f).add(100f).requiresGrad(true);
                Tensor w = affine ? Tensor.randn(rng, n).requiresGrad(true) : null;
                Tensor b = affine ? Tensor.randn(rng, n).requiresGrad(true) : null;
                Tensor g = Tensor.randn(rng, rows, n);
                Functional.layerNorm(x, new int[] {n}, w, b, 1e-5).backward(g);
                float[][] expected = LayerNormOp.referenceBackward(g.toArray(), x.toArray(), rows, n,
                        w == null ? null : w.toArray(), 1e-5);
                String at = "n=" + n + " affine=" + affine;
                // n = 1 normalises every row to 0: dx is 0 up to the rounding of x − μ
                assertClose(expected[0], x.grad().toArray(), 1e-4, n == 1 ? 1e-2 : 1e-4, "dx " + at);
                if (affine) {
                    assertClose(expected[1], w.grad().toArray(), 1e-4, 1e-4, "dw " + at);
                    assertClose(expected[2], b.grad().toArray(), 1e-5, 1e-5, "db " + at);
                }
            }
        }
    }

    @Test
    void rowsSplitAcrossThreadsGiveTheSameBitsAsOneThread() {
        Rng rng = new Rng(22);
        Tensor x = Tensor.randn(rng, 300, 512);
        Tensor w = Tensor.randn(rng, 512);
        Tensor b = Tensor.randn(rng, 512);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = Functional.layerNorm(x, new int[] {512}, w, b, 1e-5).toArray();
            Parallel.setThreads(2);
            float[] two = Functional.layerNorm(x, new int[] {512}, w, b, 1e-5).toArray();
            assertArrayEquals(one, two);
        } finally {
            Parallel.setThreads(before);
        }
    }


    @Test
    void normalisesWithTheBiasedVariance() {
        // mean 2.5, biased variance 1.25 (the unbiased one would be 5/3)
        float[] y = Functional.layerNorm(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4), new int[] {4}, null, null, 0).toArray();
        double s = Math.sqrt(1.25);
        assertClose(new float[] {(float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s), (float) (1.5 / s)}, y, 1e-6, 0, "y");
    }

    @Test
    void appliesEpsWeightAndBiasPerFeature() {
        Tensor x = Tensor.of(new float[] {0, 2, 10, 10}, 2, 2);
        Tensor w = Tensor.of(new float[] {2, 3}, 2);
        Tensor b = Tensor.of(new float[] {1, -1}, 2);
        float[] y = Functional.layerNorm(x, new int[] {2}, w, b, 1.0).toArray();
        double r = 1 / Math.sqrt(1 + 1.0);                 // row 0: mean 1, var 1, eps 1
        assertClose(new float[] {(float) (1 - 2 * r), (float) (-1 + 3 * r), 1, -1}, y, 1e-6, 1e-7, "y");
    }

    @Test
    void normalisesOverSeveralTrailingDimensions() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        float[] all = Functional.layerNorm(x, new int[] {2, 2}, null, null, 0).toArray();
        float[] row = Functional.layerNorm(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4), new int[] {4}, null, null, 0).toArray();
        assertArrayEquals(row, all);
    }

    @Test
    void aConstantRowGivesTheBias() {
        float[] y = Functional.layerNorm(Tensor.full(3f, 2, 3), new int[] {3}, null, Tensor.of(new float[] {1, 2, 3}, 3), 1e-5)
                .toArray();
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, y);
    }

    @Test
    void gradientsFlowOnlyToInputsThatNeedThem() {
        Tensor x = Tensor.of(new float[] {1, 3, 2, 7}, 2, 2);
        Tensor w = Tensor.ones(2).requiresGrad(true);
        Tensor b = Tensor.zeros(2);
        Tensor y = Functional.layerNorm(x, new int[] {2}, w, b, 1e-5);
        y.backward(Tensor.ones(2, 2));
        assertNull(x.grad());
        assertNull(b.grad());
        // dw = Σ_rows x̂ = [-1 + -1, 1 + 1] (each row normalises to ∓1 up to eps)
        assertClose(new float[] {-2, 2}, w.grad().toArray(), 1e-4, 0, "dw");
    }

    @Test
    void mismatchedShapesAreNamed() {
        Tensor x = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.layerNorm(x, new int[] {4}, null, null, 1e-5));
        assertEquals("layerNorm over [4] needs an input whose last dimensions are [4] but got [2, 3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.layerNorm(x, new int[] {3}, Tensor.ones(2), null, 1e-5));
        assertEquals("layerNorm weight has shape [2] but normalizedShape is [3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.layerNorm(x, new int[] {3}, null, Tensor.ones(3, 1), 1e-5));
        assertEquals("layerNorm bias has shape [3, 1] but normalizedShape is [3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.layerNorm(x, new int[] {3}, null, null, -1));
        assertEquals("layerNorm eps must be finite and >= 0 but got -1.0", e.getMessage());
    }

    @Test
    void theBackwardRowSumsMatchOnePlainLoopForAnyRowLength() {
        dev.visor.tensor.Rng rng = new dev.visor.tensor.Rng(3);
        for (int n = 1; n <= 13; n++) {
            float[] g = new float[2 * n + 3];
            float[] in = new float[g.length];
            float[] w = new float[n];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rng.nextGaussian();
                in[i] = (float) rng.nextGaussian();
            }
            for (int j = 0; j < n; j++) {
                w[j] = (float) rng.nextGaussian();
            }
            int base = n + 1;
            double mu = 0.25;
            double rs = 1.5;
            double[] dw = new double[n];
            double[] db = new double[n];
            double[] sums = new double[2];
            LayerNormOp.rowSums(g, in, w, base, n, mu, rs, dw, db, sums);
            double sumG = 0;
            double sumGX = 0;
            for (int j = 0; j < n; j++) {
                double xh = (in[base + j] - mu) * rs;
                assertEquals(g[base + j] * xh, dw[j], 0.0, "dw n=" + n + " j=" + j);
                assertEquals(g[base + j], db[j], 0.0, "db n=" + n + " j=" + j);
                sumG += (double) g[base + j] * w[j];
                sumGX += (double) g[base + j] * w[j] * xh;
            }
            assertEquals(sumG, sums[0], 1e-12, "sum of g·w, n=" + n);
            assertEquals(sumGX, sums[1], 1e-12, "sum of g·w·x̂, n=" + n);
        }
    }
}
