package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How the ops behave with the autograd engine: accumulation, noGrad scopes, detach, partial graphs. */
class AutogradOpsTest {

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor loss = x.mul(x).sum(); // d/dx = 2x
        loss.backward();
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toArray());
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toArray());
        x.zeroGrad();
        x.exp().sum().backward();
        assertArrayEquals(new float[] {(float) Math.exp(1), (float) Math.exp(2), (float) Math.exp(3)}, x.grad().toArray(), 1e-5f);
    }

    @Test
    void aTensorUsedOnSeveralPathsSumsThem() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor m = x.reshape(2, 1).mul(x.reshape(1, 2)); // outer product x xᵀ
        m.sum().backward(); // d/dx_i Σ_jk x_j x_k = 2 Σ x
        assertArrayEquals(new float[] {6, 6}, x.grad().toArray());
    }

    @Test
    void aSumAddedIntoInPlaceIsNeverAnotherGradientsStorage() {
        // u's gradient is a sum of two paths (the engine's own array, added into in place); add's backward
        // hands that same tensor to v and w, which then each receive more: had the engine kept adding into
        // it, v's extra term would leak into w's gradient and the other way round
        Tensor x = Tensor.of(new float[] {1, -2, 0.5f}, 3).requiresGrad(true);
        Tensor v = x.mul(2f);
        Tensor w = x.mul(3f);
        Tensor u = v.add(w);
        // v's and w's own terms first: the engine walks the graph in reverse, so they arrive after u's
        Tensor y = v.mul(11f).add(w.mul(13f)).add(u.mul(5f)).add(u.mul(7f));
        y.sum().backward();
        float expected = 2 * (5 + 7 + 11) + 3 * (5 + 7 + 13);
        assertArrayEquals(new float[] {expected, expected, expected}, x.grad().toArray());
        // and a second pass over a fresh graph adds exactly the same again
        Tensor v2 = x.mul(2f);
        Tensor w2 = x.mul(3f);
        Tensor u2 = v2.add(w2);
        v2.mul(11f).add(w2.mul(13f)).add(u2.mul(5f)).add(u2.mul(7f)).sum().backward();
        assertArrayEquals(new float[] {2 * expected, 2 * expected, 2 * expected}, x.grad().toArray());
    }

    @Test
    void noGradScopesRecordNothing() {
        Tensor w = Tensor.randn(new Rng(1), 3, 3).requiresGrad(true);
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor y = w.t().matmul(w).add(1f).tanh().sum(0, false).narrow(0, 1, 2);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFnName());
            assertTrue(y.isLeaf());
        }
        Tensor y = w.t().matmul(w).sum();
        assertTrue(y.requiresGrad());
        assertEquals("sum", y.gradFnName());
    }

    @Test
    void detachCutsTheGraphButSharesStorage() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor d = x.detach();
        assertSame(x.storage(), d.storage());
        assertFalse(d.requiresGrad());
        x.mul(d).sum().backward(); // only the first factor carries a gradient
        assertArrayEquals(new float[] {1, 2}, x.grad().toArray());
    }

    @Test
    void onlyInputsThatRequireGradReceiveOne() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}, 2);
        Tensor c = a.mul(b).add(b);
        c.sum().backward();
        assertArrayEquals(new float[] {3, 4}, a.grad().toArray());
        assertNull(b.grad());
        Tensor constant = b.mul(b);
        assertFalse(constant.requiresGrad());
        assertThrows(IllegalStateException.class, () -> constant.sum().backward());
    }

    @Test
    void gradientsReachLeavesThroughChainsOfViews() {
        Tensor w = Tensor.zeros(4, 6).requiresGrad(true);
        // (4, 6) -> (6, 4) -> (2, 3, 4) -> (2, 4) -> (4) -> expanded (3, 4)
        Tensor v = w.t().reshape(2, 3, 4).select(1, 2).sum(0, false).expand(3, 4);
        v.backward(Tensor.ones(3, 4));
        float[] g = w.grad().toArray();
        // rows 2 and 5 of wᵀ (columns 2 and 5 of w) each get 3 (the expand)
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(j == 2 || j == 5 ? 3f : 0f, g[i * 6 + j], "w.grad[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void gradientsOfNonContiguousLeavesAreRowMajorAndOwned() {
        Tensor x = Tensor.randn(new Rng(2), 3, 2).requiresGrad(true);
        Tensor xt = x.t();
        xt.mul(2f).sum().backward();
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, x.grad().toArray());
        assertTrue(x.grad().isContiguous());
    }
}
