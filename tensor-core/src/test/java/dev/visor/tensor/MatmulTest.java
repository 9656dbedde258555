package dev.visor.tensor;

import static dev.visor.tensor.TensorTestSupport.assertClose;
import static dev.visor.tensor.TensorTestSupport.assertShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class MatmulTest {
    private final Rng rng = new Rng(11);

    /** The oracle: Commons Math's matrix product of a 2-D tensor pair, in double. */
    static float[] oracle(Tensor a, Tensor b) {
        RealMatrix product = toMatrix(a).multiply(toMatrix(b));
        float[] out = new float[product.getRowDimension() * product.getColumnDimension()];
        for (int i = 0; i < product.getRowDimension(); i++) {
            for (int j = 0; j < product.getColumnDimension(); j++) {
                out[i * product.getColumnDimension() + j] = (float) product.getEntry(i, j);
            }
        }
        return out;
    }

    static RealMatrix toMatrix(Tensor t) {
        double[][] m = new double[t.size(0)][t.size(1)];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = t.get(i, j);
            }
        }
        return new Array2DRowRealMatrix(m, false);
    }

    @Test
    void matrixTimesMatrixMatchesCommonsMath() {
        Tensor a = Tensor.randn(rng, 7, 5);
        Tensor b = Tensor.randn(rng, 5, 9);
        Tensor c = a.matmul(b);
        assertShape(new int[] {7, 9}, c);
        assertClose(oracle(a, b), c.toArray(), 1e-5, 1e-5);
        assertArrayEquals(new float[] {19, 22, 43, 50},
                Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).matmul(Tensor.of(new float[] {5, 6, 7, 8}, 2, 2)).toArray());
    }

    @Test
    void transposedAndNarrowedOperandsNeedNoCopy() {
        Tensor a = Tensor.randn(rng, 5, 7);
        Tensor b = Tensor.randn(rng, 9, 5);
        Tensor at = a.t(); // (7, 5), column-major
        Tensor bt = b.t(); // (5, 9)
        assertClose(oracle(at, bt), at.matmul(bt).toArray(), 1e-5, 1e-5);
        LinalgOps.Operand op = LinalgOps.operand(at, 7, 5, new int[0]);
        assertTrue(op.trans());
        assertEquals(7, op.ld());
        assertFalse(op.copied());
        Tensor wide = Tensor.randn(rng, 6, 10);
        Tensor narrow = wide.narrow(1, 2, 5); // (6, 5) with rows 10 apart
        op = LinalgOps.operand(narrow, 6, 5, new int[0]);
        assertFalse(op.trans());
        assertEquals(10, op.ld());
        assertEquals(2, op.offset());
        assertFalse(op.copied());
        assertClose(oracle(narrow, bt), narrow.matmul(bt).toArray(), 1e-5, 1e-5);
        // expanded rows (stride 0) are neither layout: copied
        Tensor rows = Tensor.randn(rng, 1, 5).expand(4, 5);
        assertTrue(LinalgOps.operand(rows, 4, 5, new int[0]).copied());
        assertClose(oracle(rows, bt), rows.matmul(bt).toArray(), 1e-5, 1e-5);
        // a batch of transposed matrices, e.g. k.transpose(-1, -2) in attention
        Tensor k = Tensor.randn(rng, 2, 3, 6, 4); // (batch, heads, seq, d)
        LinalgOps.Operand kt = LinalgOps.operand(k.transpose(-1, -2), 4, 6, new int[] {2, 3});
        assertTrue(kt.trans());
        assertFalse(kt.copied());
        assertArrayEquals(new int[] {72, 24}, kt.batchStrides());
    }

    @Test
    void vectorsFollowPytorchRules() {
        Tensor v = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor w = Tensor.of(new float[] {4, 5, 6}, 3);
        Tensor dot = v.matmul(w);
        assertShape(new int[0], dot);
        assertEquals(32f, dot.item());
        Tensor m = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[] {4, 5}, v.matmul(m).toArray()); // (3) @ (3, 2) -> (2)
        assertArrayEquals(new float[] {1, 2, 3}, m.matmul(Tensor.of(new float[] {1, 2}, 2)).toArray()); // (3, 2) @ (2) -> (3)
        Tensor batch = Tensor.randn(rng, 4, 2, 3);
        assertShape(new int[] {4, 2}, batch.matmul(v));
        assertShape(new int[] {4, 2}, v.matmul(Tensor.randn(rng, 4, 3, 2)));
        Tensor bv = batch.matmul(v);
        for (int i = 0; i < 4; i++) {
            assertClose(oracle(batch.select(0, i), v.reshape(3, 1)), bv.select(0, i).toArray(), 1e-5, 1e-5);
        }
    }

    @Test
    void batchDimensionsBroadcast() {
        Tensor a = Tensor.randn(rng, 2, 1, 3, 4);
        Tensor b = Tensor.randn(rng, 5, 4, 2);
        Tensor c = a.matmul(b);
        assertShape(new int[] {2, 5, 3, 2}, c);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                assertClose(oracle(a.select(0, i).select(0, 0), b.select(0, j)), c.select(0, i).select(0, j).toArray(), 1e-5, 1e-5);
            }
        }
        // a batched left operand times a plain matrix folds into one tall product
        Tensor x = Tensor.randn(rng, 3, 4, 5);
        Tensor w = Tensor.randn(rng, 5, 2);
        assertClose(oracle(x.reshape(12, 5), w), x.matmul(w).toArray(), 1e-5, 1e-5);
    }

    @Test
    void mediumBatchesAreSharedAcrossCoresWithTheSameBits() {
        // 24 products of 40×48·(36×48)ᵀ: each too small for the GEMM to split, so the batch is split
        Tensor a = Tensor.randn(rng, 4, 6, 40, 48);
        Tensor b = Tensor.randn(rng, 4, 6, 36, 48).transpose(-1, -2);
        int before = dev.visor.tensor.kernel.Parallel.threads();
        float[] one;
        float[] two;
        try {
            dev.visor.tensor.kernel.Parallel.setThreads(1);
            one = a.matmul(b).toArray();
            dev.visor.tensor.kernel.Parallel.setThreads(2);
            two = a.matmul(b).toArray();
        } finally {
            dev.visor.tensor.kernel.Parallel.setThreads(before);
        }
        assertArrayEquals(one, two, "the thread count must not change a bit");
        for (int i = 0; i < 24; i++) {
            Tensor ai = a.reshape(24, 40, 48).select(0, i);
            Tensor bi = b.contiguous().reshape(24, 48, 36).select(0, i);
            float[] expected = oracle(ai, bi);
            float[] got = java.util.Arrays.copyOfRange(two, i * 40 * 36, (i + 1) * 40 * 36);
            assertClose(expected, got, 1e-4, 1e-4);
        }
    }

    @Test
    void gradientsAreTheTransposedProducts() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2).requiresGrad(true);
        Tensor g = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        a.matmul(b).backward(g);
        assertClose(oracle(g, b.detach().t()), a.grad().toArray(), 0, 0);   // dA = dC · Bᵀ
        assertClose(oracle(a.detach().t(), g), b.grad().toArray(), 0, 0);   // dB = Aᵀ · dC
        // a weight shared across a batch receives the sum over the batch
        Tensor x = Tensor.randn(rng, 3, 2, 4);
        Tensor wt = Tensor.randn(rng, 4, 5).requiresGrad(true);
        x.matmul(wt).sum().backward();
        assertClose(oracle(x.reshape(6, 4).t(), Tensor.ones(6, 5)), wt.grad().toArray(), 1e-5, 1e-5);
    }

    @Test
    void emptyDimensionsGiveEmptyOrZeroResults() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3)).toArray());
        assertShape(new int[] {0, 3}, Tensor.zeros(0, 4).matmul(Tensor.zeros(4, 3)));
    }

    @Test
    void badShapesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertEquals("matmul: [2, 3] @ [4, 5]: inner dimensions 3 and 4 differ", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(4)));
        assertEquals("matmul: [3] @ [4]: inner dimensions 3 and 4 differ", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 5)));
        assertEquals("matmul: [2, 2, 3] @ [3, 3, 5]: batch dimensions [2] and [3] cannot be broadcast (expected equal sizes or a 1)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(2).matmul(Tensor.zeros(3)));
        assertEquals("matmul: [] @ [3]: both operands need at least one dimension (use mul to scale by a scalar)", e.getMessage());
    }
}
