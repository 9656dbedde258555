package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorCoreTest {

    @Test
    void createsRowMajorTensors() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new int[] {3, 1}, t.strides());
        assertEquals(6f, t.get(1, 2));
        assertTrue(t.isContiguous());
    }

    @Test
    void rejectsDataThatDoesNotFitTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertEquals("shape [2, 3] needs 6 values but got 5", e.getMessage());
    }

    @Test
    void stridedViewsCopyInRowMajorOrder() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        // a transposed view built by hand: shape [3, 2], strides [1, 3]
        Tensor tt = Tensor.viewOf(t, "transpose", new int[] {3, 2}, new int[] {1, 3}, 0, g -> null);
        assertFalse(tt.isContiguous());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, tt.toArray());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, tt.contiguous().toArray());
    }

    @Test
    void backwardAccumulatesThroughSharedInputs() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor y = twice(x);
        Tensor z = Tensor.fromOp("add", add(y.toArray(), x.toArray()), y.shape(), g -> new Tensor[] {g, g}, y, x);
        z.backward(Tensor.ones(2));
        assertArrayEquals(new float[] {3, 3}, x.grad().toArray());
        z.backward(Tensor.ones(2));
        assertArrayEquals(new float[] {6, 6}, x.grad().toArray());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor y = twice(x);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFnName());
        }
        assertTrue(GradMode.isEnabled());
        assertEquals("twice", twice(x).gradFnName());
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        Tensor x = Tensor.randn(new Rng(1), 3);
        GradCheck.check(xs -> twice(xs[0]), x).assertWithin(1e-3, 1e-4);
        var wrong = GradCheck.check(xs -> Tensor.fromOp("bad", scale(xs[0].toArray(), 2), xs[0].shape(),
                g -> new Tensor[] {g}, xs[0]), x);
        assertFalse(wrong.passes(1e-3, 1e-4));
    }

    @Test
    void seededRandomIsReproducible() {
        assertArrayEquals(Tensor.randn(new Rng(9), 4, 4).toArray(), Tensor.randn(new Rng(9), 4, 4).toArray());
    }

    private static Tensor twice(Tensor x) {
        return Tensor.fromOp("twice", scale(x.toArray(), 2), x.shape(),
                g -> new Tensor[] {Tensor.of(scale(g.toArray(), 2), g.shape())}, x);
    }

    private static float[] scale(float[] a, float s) {
        float[] o = a.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] *= s;
        }
        return o;
    }

    private static float[] add(float[] a, float[] b) {
        float[] o = a.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] += b[i];
        }
        return o;
    }
}
