package dev.visor.tensor;

import static dev.visor.tensor.TensorTestSupport.assertClose;
import static dev.visor.tensor.TensorTestSupport.assertShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReduceOpsTest {
    // (2, 3): [[1, 5, 3], [4, 2, 6]]
    private static final Tensor X = Tensor.of(new float[] {1, 5, 3, 4, 2, 6}, 2, 3);

    @Test
    void sumAndMeanOverDims() {
        assertEquals(21f, X.sum().item());
        assertShape(new int[0], X.sum());
        assertArrayEquals(new float[] {5, 7, 9}, X.sum(0, false).toArray());
        assertArrayEquals(new float[] {9, 12}, X.sum(-1, false).toArray());
        assertShape(new int[] {2, 1}, X.sum(1, true));
        assertShape(new int[] {1, 1}, X.sum(new int[] {0, 1}, true));
        assertEquals(3.5f, X.mean().item());
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, X.mean(0, false).toArray());
        assertArrayEquals(new float[] {3, 4}, X.mean(1, true).toArray());
    }

    @Test
    void reducesNonAdjacentDimsAndStridedInputs() {
        Tensor t = Tensor.arange(24).reshape(2, 3, 4);
        // sum over dims 0 and 2: for each j, Σ_i Σ_k (12i + 4j + k)
        assertArrayEquals(new float[] {60, 92, 124}, t.sum(new int[] {0, 2}, false).toArray());
        Tensor tt = t.transpose(0, 2); // (4, 3, 2), not contiguous
        assertArrayEquals(new float[] {60, 92, 124}, tt.sum(new int[] {0, 2}, false).toArray());
        assertArrayEquals(t.sum(0, false).toArray(), tt.sum(2, false).transpose(0, 1).toArray());
    }

    @Test
    void maxMinAndArgPositions() {
        assertEquals(6f, X.max().item());
        assertEquals(1f, X.min().item());
        assertArrayEquals(new float[] {4, 5, 6}, X.max(0, false).toArray());
        assertArrayEquals(new float[] {5, 6}, X.max(1, false).toArray());
        assertArrayEquals(new float[] {1, 2}, X.min(1, false).toArray());
        assertArrayEquals(new float[] {1, 2}, X.argmax(1, false).toArray());
        assertArrayEquals(new float[] {1, 0, 1}, X.argmax(0, false).toArray());
        assertArrayEquals(new float[] {0, 1}, X.argmin(1, false).toArray());
        assertEquals(5f, X.argmax().item());
        assertEquals(0f, X.argmin().item());
        assertShape(new int[] {2, 1}, X.argmax(1, true));
        assertFalse(X.copy().requiresGrad(true).argmax(1, false).requiresGrad());
    }

    @Test
    void tiesGoToTheFirstPosition() {
        Tensor t = Tensor.of(new float[] {2, 7, 7, 1, 1, 0}, 2, 3).requiresGrad(true);
        assertArrayEquals(new float[] {1, 0}, t.argmax(1, false).toArray());
        assertArrayEquals(new float[] {0, 2}, t.argmin(1, false).toArray());
        t.max(1, false).sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, t.grad().toArray());
        t.zeroGrad();
        t.min().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1}, t.grad().toArray());
        t.zeroGrad();
        t.max().backward(); // first 7 in row-major order
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0}, t.grad().toArray());
    }

    @Test
    void nanPropagatesThroughMaxAndMin() {
        Tensor t = Tensor.of(new float[] {1, Float.NaN, 3}, 3);
        assertTrue(Float.isNaN(t.max().item()));
        assertTrue(Float.isNaN(t.min().item()));
        assertEquals(1f, t.argmax().item());
    }

    @Test
    void varianceBiasedAndUnbiased() {
        // row 0: mean 3, squared deviations 4 + 4 + 0 = 8; row 1: mean 4, 0 + 4 + 4 = 8
        assertArrayEquals(new float[] {4, 4}, X.var(1, true, false).toArray());
        assertArrayEquals(new float[] {8f / 3, 8f / 3}, X.var(1, false, false).toArray(), 1e-6f);
        assertClose(new float[] {17.5f / 5}, new float[] {X.var().item()}, 1e-6, 0);
        assertClose(new float[] {17.5f / 6}, new float[] {X.var(false).item()}, 1e-6, 0);
        assertShape(new int[] {1, 3}, X.var(0, true, true));
        assertTrue(Float.isNaN(Tensor.of(new float[] {3}, 1).var().item()), "unbiased variance of one value");
        assertEquals(0f, Tensor.of(new float[] {3}, 1).var(false).item());
    }

    @Test
    void varianceGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 6}, 3).requiresGrad(true);
        x.var().backward(); // d/dx_i = 2 (x_i − mean) / (n − 1), mean 3
        assertArrayEquals(new float[] {-2, -1, 3}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void sumAndMeanGradientsSpreadEvenly() {
        Tensor x = Tensor.zeros(2, 3).requiresGrad(true);
        x.mean(0, false).backward(Tensor.of(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 0.5f, 1, 1.5f}, x.grad().toArray());
        x.zeroGrad();
        x.sum(1, true).backward(Tensor.of(new float[] {1, 2}, 2, 1));
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, x.grad().toArray());
    }

    @Test
    void largeReductionsAccumulateInDouble() {
        int n = 1 << 22;
        Tensor ones = Tensor.full(0.1f, n);
        assertEquals(0.1 * n, ones.sum().item(), 0.1 * n * 1e-6);
        Tensor cols = Tensor.full(0.1f, n / 64, 64);
        assertEquals(0.1 * n / 64, cols.sum(0, false).get(5), 0.1 * n / 64 * 1e-6);
    }

    @Test
    void sumToFoldsBroadcastDims() {
        Tensor g = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new float[] {60, 66, 72, 78}, g.sumTo(4).toArray());
        assertArrayEquals(new float[] {66, 210}, g.sumTo(2, 1, 1).toArray());
        assertArrayEquals(new float[] {12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34}, g.sumTo(3, 4).toArray());
        assertSame(g, g.sumTo(2, 3, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> g.sumTo(3, 3));
        assertEquals("sumTo: cannot sum [2, 3, 4] down to [3, 3] (expected a shape that broadcasts to [2, 3, 4])", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.sumTo(1, 2, 3, 4));
    }

    @Test
    void badDimensionsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> X.sum(2, false));
        assertEquals("sum over [2] of [2, 3]: dimension 2 is out of range for a tensor of rank 2 (expected -2..1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> X.max(new int[] {1, -1}, false));
        assertEquals("max: dimension 1 appears twice in [1, -1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> X.mean(new int[0], false));
        assertEquals("mean: needs at least one dimension to reduce; use mean() for a reduction over all elements", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).max(1, false));
        assertEquals("max: cannot reduce over dimension 1 of size 0 in [2, 0] (no elements to take the max of)", e.getMessage());
        assertEquals(0f, Tensor.zeros(2, 0).sum().item());
        assertTrue(Float.isNaN(Tensor.zeros(0).mean().item()));
    }
}
