package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The tensor-level entry points: autograd wiring, weights, views and errors. */
class AttentionTest {

    @Test
    void flashAndReferenceAgreeAndBothBackpropagate() {
        Rng rng = new Rng(21);
        Tensor q = Tensor.randn(rng, 2, 4, 13, 8).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 2, 2, 17, 8).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 2, 2, 17, 6).requiresGrad(true);
        ElementMask em = (b, h, i, j) -> j <= i + 4 && (b == 0 || j < 11);
        BlockSparsity sp = BlockSparsity.classify(em, 2, 4, 13, 17, 4, 8, true, false);
        AttentionConfig cfg = AttentionConfig.defaults(8);
        Attention.FlashResult f = Attention.flashWithLse(q, k, v, sp, cfg);
        Attention.ReferenceResult r = Attention.reference(q, k, v, em, cfg);
        assertArrayEquals(new int[] {2, 4, 13, 6}, f.output().shape());
        assertArrayEquals(new int[] {2, 4, 13}, f.logSumExp().shape());
        assertArrayEquals(new int[] {2, 4, 13, 17}, r.weights().shape());
        Fixtures.assertClose("output", r.output().toArray(), f.output().toArray(), 2e-5, 1e-4);
        Fixtures.assertClose("lse", r.logSumExp().toArray(), f.logSumExp().toArray(), 2e-5, 1e-5);
        assertEquals(0f, r.weights().get(1, 0, 0, 12));

        Tensor seed = Tensor.randn(rng, 2, 4, 13, 6);
        f.output().backward(seed);
        float[] gq = q.grad().toArray();
        float[] gk = k.grad().toArray();
        float[] gv = v.grad().toArray();
        q.zeroGrad();
        k.zeroGrad();
        v.zeroGrad();
        r.output().backward(seed);
        Fixtures.assertClose("dq", q.grad().toArray(), gq, 1e-4, 1e-3);
        Fixtures.assertClose("dk", k.grad().toArray(), gk, 1e-4, 1e-3);
        Fixtures.assertClose("dv", v.grad().toArray(), gv, 1e-4, 1e-3);
    }

    @Test
    void referenceGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(22);
        Tensor q = Tensor.randn(rng, 1, 2, 5, 3).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 1, 2, 6, 3).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 1, 2, 6, 4).requiresGrad(true);
        ElementMask em = (b, h, i, j) -> (i + j + h) % 3 != 0 && i != 2;
        GradCheck.check(xs -> Attention.reference(xs[0], xs[1], xs[2], em, AttentionConfig.defaults(3)).output(), q, k, v)
                .assertWithin(1e-2, 1e-3);
    }

    @Test
    void acceptsTransposedProjectionViewsWithoutCopying() {
        Rng rng = new Rng(23);
        int b = 2, l = 9, h = 3, d = 4;
        Tensor proj = Tensor.randn(rng, b, l, h, d);   // (batch, seq, heads, headDim)
        Tensor heads = Tensor.viewOf(proj, "transpose", new int[] {b, h, l, d}, new int[] {l * h * d, d, h * d, 1}, 0,
                g -> null);
        Tensor contiguous = Tensor.of(heads.toArray(), b, h, l, d);
        Tensor viaView = Attention.flash(heads, heads, heads, null, AttentionConfig.defaults(d));
        Tensor viaCopy = Attention.flash(contiguous, contiguous, contiguous, null, AttentionConfig.defaults(d));
        assertArrayEquals(viaCopy.toArray(), viaView.toArray());
    }

    @Test
    void noGradientIsRecordedWhenNoInputNeedsOne() {
        Rng rng = new Rng(24);
        Tensor x = Tensor.randn(rng, 1, 1, 4, 4);
        Tensor out = Attention.flash(x, x, x, null, AttentionConfig.defaults(4));
        assertNull(out.gradFnName());
    }

    @Test
    void rejectsTensorsOfTheWrongRank() {
        Tensor x = Tensor.zeros(4, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> Attention.flash(x, x, x, null, AttentionConfig.defaults(4)));
        assertEquals("attention needs (batch, heads, seq, headDim) tensors but got rank 2 shape [4, 4]", e.getMessage());
    }
}
