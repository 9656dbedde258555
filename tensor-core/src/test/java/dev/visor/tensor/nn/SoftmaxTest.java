package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /** The textbook formula in double, without the max shift (fine for small inputs). */
    private static float[] naiveSoftmax(float... x) {
        double s = 0;
        for (float v : x) {
            s += Math.exp(v);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (Math.exp(x[i]) / s);
        }
        return out;
    }

    @Test
    void softmaxOfARowIsTheNormalisedExponential() {
        Tensor y = Functional.softmax(Tensor.of(new float[] {1, 2, 3, -1}, 1, 4), -1);
        assertClose(naiveSoftmax(1, 2, 3, -1), y.toArray(), 1e-6, 0, "softmax");
    }

    @Test
    void logSoftmaxIsTheLogOfSoftmax() {
        float[] x = {0.5f, -2f, 3f};
        float[] p = naiveSoftmax(x);
        float[] logP = new float[3];
        for (int i = 0; i < 3; i++) {
            logP[i] = (float) Math.log(p[i]);
        }
        assertClose(logP, Functional.logSoftmax(Tensor.of(x, 3), 0).toArray(), 1e-6, 1e-7, "logSoftmax");
    }

    @Test
    void largeInputsDoNotOverflow() {
        Tensor x = Tensor.of(new float[] {1000, 1001, -1000, -1001}, 2, 2);
        float a = (float) (1 / (1 + Math.E));
        assertClose(new float[] {a, 1 - a, 1 - a, a}, Functional.softmax(x, 1).toArray(), 1e-6, 0, "softmax");
        float big = (float) -Math.log1p(Math.E);
        float small = (float) -Math.log1p(1 / Math.E);
        assertClose(new float[] {big, small, small, big}, Functional.logSoftmax(x, 1).toArray(), 1e-6, 0, "logSoftmax");
    }

    @Test
    void alongEveryDimensionEachSliceSumsToOne() {
        Tensor x = Tensor.randn(new Rng(3), 3, 4, 5);
        for (int dim = -3; dim < 3; dim++) {
            float[] y = Functional.softmax(x, dim).toArray();
            int[] shape = x.shape();
            int d = dim < 0 ? dim + 3 : dim;
            int[] idx = new int[3];
            for (idx[0] = 0; idx[0] < shape[0]; idx[0]++) {
                for (idx[1] = 0; idx[1] < shape[1]; idx[1]++) {
                    for (idx[2] = 0; idx[2] < shape[2]; idx[2]++) {
                        if (idx[d] != 0) {
                            continue;
                        }
                        double s = 0;
                        int[] j = idx.clone();
                        for (j[d] = 0; j[d] < shape[d]; j[d]++) {
                            s += y[(j[0] * shape[1] + j[1]) * shape[2] + j[2]];
                        }
                        assertEquals(1.0, s, 1e-6, "dim " + dim + " slice at " + Arrays.toString(idx));
                    }
                }
            }
        }
    }

    @Test
    void softmaxAlongDimZeroMatchesTheRowSoftmaxOfTheTranspose() {
        float[] x = {1, 2, 3, 4, 5, 6};                       // (2, 3)
        float[] y = Functional.softmax(Tensor.of(x, 2, 3), 0).toArray();
        for (int c = 0; c < 3; c++) {
            float[] col = naiveSoftmax(x[c], x[3 + c]);
            assertClose(col, new float[] {y[c], y[3 + c]}, 1e-6, 0, "column " + c);
        }
    }

    @Test
    void maskedEntriesGetZeroProbabilityAndFullyMaskedRowsGetZerosNotNaN() {
        Tensor x = Tensor.of(new float[] {NEG_INF, 0, 0, NEG_INF, NEG_INF, NEG_INF}, 2, 3).requiresGrad(true);
        Tensor y = Functional.softmax(x, -1);
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 0, 0}, y.toArray());
        y.backward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertClose(new float[] {0, -0.25f, 0.25f, 0, 0, 0}, x.grad().toArray(), 0, 0, "grad");
    }

    @Test
    void logSoftmaxOfAFullyMaskedRowIsMinusInfinityWithZeroGradient() {
        Tensor x = Tensor.of(new float[] {NEG_INF, NEG_INF, 1, 1}, 2, 2).requiresGrad(true);
        Tensor y = Functional.logSoftmax(x, 1);
        float ln2 = (float) -Math.log(2);
        assertArrayEquals(new float[] {NEG_INF, NEG_INF, ln2, ln2}, y.toArray());
        y.backward(Tensor.of(new float[] {1, 1, 1, 0}, 2, 2));
        assertArrayEquals(new float[] {0, 0, 0.5f, -0.5f}, x.grad().toArray());
    }

    @Test
    void nanPoisonsOnlyItsOwnSlice() {
        float[] y = Functional.softmax(Tensor.of(new float[] {Float.NaN, 1, 0, 0}, 2, 2), 1).toArray();
        assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]));
        assertArrayEquals(new float[] {0.5f, 0.5f}, new float[] {y[2], y[3]});
        float[] cols = Functional.softmax(Tensor.of(new float[] {Float.NaN, 1, 0, 0}, 2, 2), 0).toArray();
        assertTrue(Float.isNaN(cols[0]) && Float.isNaN(cols[2]));
        assertClose(naiveSoftmax(1, 0), new float[] {cols[1], cols[3]}, 1e-6, 0, "clean column");
    }

    @Test
    void stridedInputIsReadInLogicalOrder() {
        Tensor base = Tensor.of(new float[] {1, 4, 2, 5, 3, 6}, 3, 2);
        Tensor t = Tensor.viewOf(base, "transpose", new int[] {2, 3}, new int[] {1, 2}, 0, g -> null); // [[1,2,3],[4,5,6]]
        assertClose(Functional.softmax(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), 1).toArray(),
                Functional.softmax(t, 1).toArray(), 0, 0, "strided");
    }

    @Test
    void aScalarIsItsOwnSliceAsInTorch() {
        assertEquals(1f, Functional.softmax(Tensor.scalar(5), 0).item());
        assertEquals(0f, Functional.logSoftmax(Tensor.scalar(5), -1).item());
    }

    @Test
    void aBadDimensionIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.softmax(Tensor.zeros(2, 3), 2));
        assertEquals("dimension 2 is out of range for a tensor of rank 2 (expected -2..1)", e.getMessage());
    }
}
