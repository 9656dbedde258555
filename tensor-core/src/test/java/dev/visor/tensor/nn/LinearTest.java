package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Gemm;
import dev.visor.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class LinearTest {

    @Test
    void biasGradientColumnSumsMatchADoubleLoopForAnyShape() {
        Rng rng = new Rng(41);
        for (int rows : new int[] {0, 1, 31, 32, 33, 100}) {
            for (int out : new int[] {1, 7, 16, 17, 64, 100}) {
                float[] g = Tensor.randn(rng, Math.max(1, rows * out)).toArray();
                float[] expected = new float[out];
                for (int j = 0; j < out; j++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += g[r * out + j];
                    }
                    expected[j] = (float) s;
                }
                Close.assertClose(expected, LinearOp.columnSums(g, rows, out), 1e-5, 1e-5, "rows=" + rows + " out=" + out);
            }
        }
    }

    @Test
    void biasGradientColumnsSplitAcrossThreadsGiveTheBitsOfOneThread() {
        Rng rng = new Rng(43);
        int before = Parallel.threads();
        try {
            for (int[] shape : new int[][] {{1024, 512}, {1000, 2051}, {64, 8000}}) {
                float[] g = Tensor.randn(rng, shape[0] * shape[1]).toArray();
                Parallel.setThreads(1);
                float[] one = LinearOp.columnSums(g, shape[0], shape[1]);
                Parallel.setThreads(2);
                float[] two = LinearOp.columnSums(g, shape[0], shape[1]);
                for (int j = 0; j < one.length; j++) {
                    assertEquals(Float.floatToRawIntBits(one[j]), Float.floatToRawIntBits(two[j]), "column " + j);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void computesXTimesWTransposedPlusBiasOverLeadingDims() {
        Rng rng = new Rng(4);
        Tensor x = Tensor.randn(rng, 2, 3, 5);
        Tensor w = Tensor.randn(rng, 4, 5);
        Tensor b = Tensor.randn(rng, 4);
        Tensor y = Functional.linear(x, w, b);
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        float[] xv = x.toArray();
        float[] wv = w.toArray();
        float[] bv = b.toArray();
        float[] expected = new float[24];
        for (int r = 0; r < 6; r++) {
            for (int o = 0; o < 4; o++) {
                double s = bv[o];
                for (int i = 0; i < 5; i++) {
                    s += (double) xv[r * 5 + i] * wv[o * 5 + i];
                }
                expected[r * 4 + o] = (float) s;
            }
        }
        assertClose(expected, y.toArray(), 1e-5, 1e-6, "y");
        assertClose(Functional.linear(x, w, null).toArray(), minusBias(y.toArray(), bv), 1e-5, 1e-5, "no bias");
    }

    @Test
    void biasRowsSplitAcrossThreadsGiveTheSameBitsAsOneThread() {
        Rng rng = new Rng(11);
        Tensor x = Tensor.randn(rng, 300, 8);   // 300 × 512 outputs: the bias broadcast is split in chunks
        Tensor w = Tensor.randn(rng, 512, 8);
        Tensor b = Tensor.randn(rng, 512);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = Functional.linear(x, w, b).toArray();
            Parallel.setThreads(2);
            float[] two = Functional.linear(x, w, b).toArray();
            assertArrayEquals(one, two);
            float[] expected = new float[300 * 512];
            float[] bv = b.toArray();
            for (int r = 0; r < 300; r++) {
                System.arraycopy(bv, 0, expected, r * 512, 512);
            }
            Gemm.reference(false, true, 300, 512, 8, 1f, x.toArray(), 0, 8, w.toArray(), 0, 8, 1f, expected, 0, 512);
            assertClose(expected, two, 1e-5, 1e-5, "y");
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static float[] minusBias(float[] y, float[] b) {
        float[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= b[i % b.length];
        }
        return out;
    }

    @Test
    void backwardGivesGW_GtX_AndRowSums() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(3).requiresGrad(true);
        Tensor g = Tensor.of(new float[] {1, 0, 2, 0, 1, 1}, 2, 3);
        Functional.linear(x, w, b).backward(g);
        assertArrayEquals(new float[] {3, 2, 1, 2}, x.grad().toArray());          // g·W
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 8}, w.grad().toArray());    // gᵀ·x
        assertArrayEquals(new float[] {1, 1, 3}, b.grad().toArray());
    }

    @Test
    void aRowBlockOfALargerWeightGivesTheBitsOfItsCopyForwardAndBackward() {
        // attention's query projection is rows [0, E) of in_proj_weight: read in place, not copied per call
        Rng rng = new Rng(44);
        for (int m : new int[] {1, 7}) {                                   // the decode product and the GEMM
            Tensor fused = Tensor.randn(rng, 3 * 24, 40).requiresGrad(true);
            Tensor x = Tensor.randn(rng, m, 40).requiresGrad(true);
            Tensor b = Tensor.randn(rng, 24);
            for (int block = 0; block < 3; block++) {
                Tensor view = fused.narrow(0, block * 24, 24);
                Tensor copy = Tensor.wrap(view.toArray(), 24, 40).requiresGrad(true);
                Tensor xc = Tensor.wrap(x.toArray(), m, 40).requiresGrad(true);
                Tensor g = Tensor.randn(rng, m, 24);
                Tensor yView = Functional.linear(x, view, b);
                Tensor yCopy = Functional.linear(xc, copy, b);
                assertArrayEquals(yCopy.toArray(), yView.toArray(), "m=" + m + " block " + block);
                x.zeroGrad();
                fused.zeroGrad();
                yView.backward(g);
                yCopy.backward(g);
                assertArrayEquals(xc.grad().toArray(), x.grad().toArray(), "dx, m=" + m + " block " + block);
                float[] dw = fused.grad().toArray();
                float[] expect = new float[dw.length];
                System.arraycopy(copy.grad().toArray(), 0, expect, block * 24 * 40, 24 * 40);
                assertArrayEquals(expect, dw, "dW lands in the block's rows only, m=" + m + " block " + block);
            }
        }
    }

    @Test
    void onlyRequestedGradientsAreComputed() {
        Tensor x = Tensor.ones(2, 2);
        Tensor w = Tensor.ones(3, 2).requiresGrad(true);
        Functional.linear(x, w, null).backward(Tensor.ones(2, 3));
        assertNull(x.grad());
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, w.grad().toArray());
    }

    @Test
    void shapeErrorsNameTheFeatureCounts() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Functional.linear(Tensor.zeros(2, 64), Tensor.zeros(3, 512), null));
        assertEquals("linear input of shape [2, 64] has 64 features but the weight [3, 512] expects 512", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.linear(Tensor.zeros(2, 4), Tensor.zeros(3, 4), Tensor.zeros(4)));
        assertEquals("linear bias has shape [4] but the weight [3, 4] needs [3]", e.getMessage());
        Linear layer = new Linear(512, 8, new Rng(0));
        e = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(1, 64)));
        assertEquals("input of shape [1, 64] has 64 features but the layer expects 512", e.getMessage());
    }
}
