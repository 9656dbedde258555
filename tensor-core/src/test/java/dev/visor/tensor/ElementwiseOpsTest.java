package dev.visor.tensor;

import static dev.visor.tensor.TensorTestSupport.assertClose;
import static dev.visor.tensor.TensorTestSupport.assertShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.ElementwiseKernels.Binary;
import dev.visor.tensor.ElementwiseKernels.Unary;
import dev.visor.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {
    private static final Tensor A = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private static final Tensor ROW = Tensor.of(new float[] {10, 20, 30}, 3);
    private static final Tensor COL = Tensor.of(new float[] {100, 200}, 2, 1);

    @Test
    void arithmeticBroadcastsLikeNumpy() {
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, A.add(ROW).toArray());
        assertArrayEquals(new float[] {101, 102, 103, 204, 205, 206}, A.add(COL).toArray());
        assertArrayEquals(new float[] {110, 120, 130, 210, 220, 230}, COL.add(ROW).toArray());
        assertShape(new int[] {2, 3}, COL.add(ROW));
        assertArrayEquals(new float[] {-9, -18, -27, -6, -15, -24}, A.sub(ROW).toArray());
        assertArrayEquals(new float[] {100, 200, 300, 800, 1000, 1200}, A.mul(COL).toArray());
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f}, A.div(ROW).toArray());
        assertArrayEquals(new float[] {1, 4, 27, 16, 25, 216}, A.pow(Tensor.of(new float[] {1, 2, 3, 2, 2, 3}, 2, 3)).toArray());
        assertArrayEquals(new float[] {8}, Tensor.scalar(2).pow(Tensor.scalar(3)).reshape(1).toArray());
    }

    @Test
    void scalarVariants() {
        Tensor x = Tensor.of(new float[] {-2, 0.5f, 4}, 3);
        assertArrayEquals(new float[] {-1, 1.5f, 5}, x.add(1).toArray());
        assertArrayEquals(new float[] {-3, -0.5f, 3}, x.sub(1).toArray());
        assertArrayEquals(new float[] {3, 0.5f, -3}, x.rsub(1).toArray());
        assertArrayEquals(new float[] {-6, 1.5f, 12}, x.mul(3).toArray());
        assertArrayEquals(new float[] {-1, 0.25f, 2}, x.div(2).toArray());
        assertArrayEquals(new float[] {-0.5f, 2, 0.25f}, x.rdiv(1).toArray());
        assertArrayEquals(new float[] {4, 0.25f, 16}, x.pow(2).toArray());
        assertArrayEquals(new float[] {-8, 0.125f, 64}, x.pow(3).toArray());
        assertArrayEquals(new float[] {2, -0.5f, -4}, x.neg().toArray());
    }

    @Test
    void unaryFunctions() {
        Tensor x = Tensor.of(new float[] {-1, 0, 0.01f, 2}, 4);
        assertClose(new float[] {(float) Math.exp(-1), 1, (float) Math.exp(0.01), (float) Math.exp(2)}, x.exp().toArray(), 1.2e-7, 0);
        assertClose(new float[] {(float) Math.tanh(-1), 0, (float) Math.tanh(0.01), (float) Math.tanh(2)}, x.tanh().toArray(), 1e-7, 0);
        assertArrayEquals(new float[] {1, 0, 0.01f, 2}, x.abs().toArray());
        Tensor p = Tensor.of(new float[] {0.25f, 1, 4}, 3);
        assertArrayEquals(new float[] {0.5f, 1, 2}, p.sqrt().toArray());
        assertClose(new float[] {(float) Math.log(0.25), 0, (float) Math.log(4)}, p.log().toArray(), 1e-7, 0);
        assertArrayEquals(new float[] {-1, 0, 0.01f, 1.5f}, x.clamp(-5, 1.5f).toArray());
        assertArrayEquals(new float[] {0, 0, 0.01f, 2}, x.clamp(0, Float.POSITIVE_INFINITY).toArray());
    }

    @Test
    void expIsWithinOneUlpOfMathExp() {
        for (float v = -110f; v <= 90f; v += 0.0007f) {
            float expected = (float) Math.exp(v);
            float got = ElementwiseKernels.exp(v);
            int ulps = Math.abs(Float.floatToIntBits(expected) - Float.floatToIntBits(got));
            if (ulps > 1) {
                throw new AssertionError("exp(" + v + ") = " + got + " but expected " + expected);
            }
        }
        assertEquals(Float.POSITIVE_INFINITY, ElementwiseKernels.exp(89f));
        assertEquals((float) Math.exp(88.72283f), ElementwiseKernels.exp(88.72283f)); // near Float.MAX_VALUE
        assertEquals(0f, ElementwiseKernels.exp(-105f));
        assertEquals(Float.MIN_VALUE, ElementwiseKernels.exp(-103.2789f));
        assertEquals(1f, ElementwiseKernels.exp(0f));
        assertEquals(0f, ElementwiseKernels.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, ElementwiseKernels.exp(Float.POSITIVE_INFINITY));
        assertEquals(Float.NaN, ElementwiseKernels.exp(Float.NaN));
    }

    @Test
    void tanhIsAccurateAcrossItsRange() {
        for (float v = -20f; v <= 20f; v += 0.001f) {
            float expected = (float) Math.tanh(v);
            float got = ElementwiseKernels.tanh(v);
            if (Math.abs(got - expected) > Math.ulp(expected)) {
                throw new AssertionError("tanh(" + v + ") = " + got + " but expected " + expected);
            }
        }
        assertEquals(1f, ElementwiseKernels.tanh(1000f));
        assertEquals(-1f, ElementwiseKernels.tanh(-1000f));
        assertEquals(1e-30f, ElementwiseKernels.tanh(1e-30f));
        assertEquals(Float.NaN, ElementwiseKernels.tanh(Float.NaN));
    }

    @Test
    void comparisonsReturnZeroOneWithoutGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor y = Tensor.of(new float[] {3, 2, 1}, 3);
        assertArrayEquals(new float[] {0, 1, 0}, x.eq(y).toArray());
        assertArrayEquals(new float[] {1, 0, 1}, x.ne(y).toArray());
        assertArrayEquals(new float[] {0, 0, 1}, x.gt(y).toArray());
        assertArrayEquals(new float[] {0, 1, 1}, x.ge(y).toArray());
        assertArrayEquals(new float[] {1, 0, 0}, x.lt(y).toArray());
        assertArrayEquals(new float[] {1, 1, 0}, x.le(y).toArray());
        assertArrayEquals(new float[] {0, 1, 0}, x.eq(2).toArray());
        assertArrayEquals(new float[] {1, 0, 1}, x.ne(2).toArray());
        assertArrayEquals(new float[] {0, 0, 1}, x.gt(2).toArray());
        assertArrayEquals(new float[] {0, 1, 1}, x.ge(2).toArray());
        assertArrayEquals(new float[] {1, 0, 0}, x.lt(2).toArray());
        assertArrayEquals(new float[] {1, 1, 0}, x.le(2).toArray());
        assertFalse(x.gt(y).requiresGrad());
        assertNull(x.gt(2).gradFnName());
        // NaN compares unequal to everything, itself included
        Tensor nan = Tensor.of(new float[] {Float.NaN}, 1);
        assertArrayEquals(new float[] {0}, nan.eq(nan).toArray());
        assertArrayEquals(new float[] {1}, nan.ne(nan).toArray());
    }

    @Test
    void whereSelectsAndBroadcasts() {
        Tensor cond = Tensor.of(new float[] {1, 0, 1}, 3);
        Tensor out = Tensor.where(cond, A, Tensor.scalar(-1));
        assertArrayEquals(new float[] {1, -1, 3, 4, -1, 6}, out.toArray());
        Tensor a = Tensor.of(new float[] {1, 2}, 2, 1).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {5, 6, 7}, 3).requiresGrad(true);
        Tensor w = Tensor.where(cond, a, b); // (2, 3)
        w.backward(Tensor.ones(2, 3));
        assertArrayEquals(new float[] {2, 2}, a.grad().toArray());
        assertArrayEquals(new float[] {0, 2, 0}, b.grad().toArray());
    }

    @Test
    void maximumAndMinimumSplitTiedGradients() {
        Tensor a = Tensor.of(new float[] {1, 5, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {2, 4, 3}, 3).requiresGrad(true);
        Tensor m = a.maximum(b);
        assertArrayEquals(new float[] {2, 5, 3}, m.toArray());
        m.sum().backward();
        assertArrayEquals(new float[] {0, 1, 0.5f}, a.grad().toArray());
        assertArrayEquals(new float[] {1, 0, 0.5f}, b.grad().toArray());
        a.zeroGrad();
        b.zeroGrad();
        Tensor n = a.minimum(b);
        assertArrayEquals(new float[] {1, 4, 3}, n.toArray());
        n.sum().backward();
        assertArrayEquals(new float[] {1, 0, 0.5f}, a.grad().toArray());
        assertArrayEquals(new float[] {0, 1, 0.5f}, b.grad().toArray());
        // maximum(x, x) passes the whole gradient to x
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        x.maximum(x).sum().backward();
        assertArrayEquals(new float[] {1, 1}, x.grad().toArray());
    }

    @Test
    void kinksHaveDefinedGradients() {
        Tensor x = Tensor.of(new float[] {-1, 0, 2}, 3).requiresGrad(true);
        x.abs().sum().backward();
        assertArrayEquals(new float[] {-1, 0, 1}, x.grad().toArray());
        x.zeroGrad();
        x.clamp(0, 2).sum().backward(); // bounds included
        assertArrayEquals(new float[] {0, 1, 1}, x.grad().toArray());
        Tensor zero = Tensor.of(new float[] {0, 2}, 2);
        Tensor e = Tensor.of(new float[] {2, 3}, 2).requiresGrad(true);
        zero.pow(e).sum().backward(); // d(0^e)/de is 0, not NaN
        assertArrayEquals(new float[] {0, (float) (8 * Math.log(2))}, e.grad().toArray(), 1e-5f);
    }

    @Test
    void broadcastGradientsAreSummedBackToTheInputShape() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor bias = Tensor.of(new float[] {1, 1, 1}, 3).requiresGrad(true);
        Tensor scale = Tensor.of(new float[] {2, 3}, 2, 1).requiresGrad(true);
        x.add(bias).mul(scale).sum().backward();
        assertArrayEquals(new float[] {5, 5, 5}, bias.grad().toArray());
        assertArrayEquals(new float[] {9, 18}, scale.grad().toArray());
        assertArrayEquals(new float[] {2, 2, 2, 3, 3, 3}, x.grad().toArray());
    }

    @Test
    void largeAndStridedInputsMatchTheReference() {
        Rng rng = new Rng(3);
        int n = 3 * ElementwiseOps.GRAIN + 17; // several parallel chunks
        Tensor a = Tensor.randn(rng, n);
        Tensor b = Tensor.randn(rng, n);
        for (Binary op : Binary.values()) {
            assertArrayEquals(ReferenceOps.binary(op, a, b), ElementwiseOps.binaryValues(op, a, b, new int[] {n}), op.name());
        }
        // transposed operands take the tiled path; sizes are not multiples of the tile
        Tensor big = Tensor.randn(rng, 301, 403).transpose(0, 1); // (403, 301), strided
        Tensor row = Tensor.randn(rng, 301);
        Tensor other = Tensor.randn(rng, 403, 301);
        assertArrayEquals(ReferenceOps.binary(Binary.MUL, big, row),
                ElementwiseOps.binaryValues(Binary.MUL, big, row, new int[] {403, 301}));
        assertArrayEquals(ReferenceOps.binary(Binary.SUB, other, big),
                ElementwiseOps.binaryValues(Binary.SUB, other, big, new int[] {403, 301}));
        assertArrayEquals(ReferenceOps.unary(Unary.EXP, big, 0), big.exp().toArray());
        Tensor cond = other.gt(0f);
        assertArrayEquals(ReferenceOps.where(cond, big, row), Tensor.where(cond, big, row).toArray());
        Tensor cube = Tensor.randn(rng, 5, 70, 90).permute(2, 0, 1); // (90, 5, 70)
        assertArrayEquals(ReferenceOps.unary(Unary.NEG, cube, 0), cube.contiguous().neg().toArray());
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int before = Parallel.threads();
        try {
            Tensor a = Tensor.randn(new Rng(5), 4 * ElementwiseOps.GRAIN);
            Parallel.setThreads(1);
            float[] one = a.tanh().mul(a).toArray();
            Parallel.setThreads(2);
            assertArrayEquals(one, a.tanh().mul(a).toArray());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void badShapesAndArgumentsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> A.add(Tensor.zeros(2)));
        assertEquals("add: shapes [2, 3] and [2] cannot be broadcast: dimension 1 is 3 vs 2 (expected equal sizes or a 1)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> A.mul(Tensor.zeros(4, 3)));
        assertEquals("mul: shapes [2, 3] and [4, 3] cannot be broadcast: dimension 0 is 2 vs 4 (expected equal sizes or a 1)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> A.clamp(2, 1));
        assertEquals("clamp: needs min <= max (not NaN) but got min=2.0, max=1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.where(Tensor.zeros(4), A, A));
        assertEquals("where: condition [4], a [2, 3] and b [2, 3] do not broadcast together: shapes [4] and [2, 3] cannot be"
                + " broadcast: dimension 1 is 4 vs 3 (expected equal sizes or a 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> A.gt(Tensor.zeros(5)));
        assertEquals("gt: shapes [2, 3] and [5] cannot be broadcast: dimension 1 is 3 vs 5 (expected equal sizes or a 1)",
                e.getMessage());
    }
}
