package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.builtin.Builtins;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Attention#modified}: autograd reaches q, k, v and the learnable table, with the reference's values. */
class ModifiedAttentionTest {
    private static final int B = 2, H = 2, L = 5, D = 4;

    @Test
    void gradientsReachTheTableAndEqualTheReference() {
        Rng rng = new Rng(5);
        ScoreModifier m = Builtins.scoreRegistry().create("relative_bias(buckets=8, max_distance=4) >> alibi",
                new ScoreContext(H));
        Tensor q = Tensor.randn(rng, B, H, L, D).requiresGrad(true);
        Tensor k = Tensor.randn(rng, B, H, L, D).requiresGrad(true);
        Tensor v = Tensor.randn(rng, B, H, L, D).requiresGrad(true);
        Tensor theta = Tensor.randn(rng, H, 8).requiresGrad(true);
        Tensor dOut = Tensor.randn(rng, B, H, L, D);
        BlockSparsity causal = BlockSparsity.classify((b, h, i, j) -> j <= i + 2, B, H, L, L, 64, 64, false, false);
        AttentionConfig cfg = AttentionConfig.defaults(D);
        Attention.modified(q, k, v, causal, cfg, m, theta, 2).mul(dOut).sum().backward();

        ScoreModification mods = new ScoreModification(m, theta.toArray(), 2);
        ReferenceAttention.Gradients g = ReferenceAttention.backward(HeadsView.of(q), HeadsView.of(k), HeadsView.of(v),
                causal, cfg, mods, HeadsView.of(dOut));
        assertArrayEquals(g.dq(), q.grad().toArray(), 1e-6f);
        assertArrayEquals(g.dk(), k.grad().toArray(), 1e-6f);
        assertArrayEquals(g.dv(), v.grad().toArray(), 1e-6f);
        assertArrayEquals(g.dTheta(), theta.grad().toArray(), 1e-6f);
        float norm = 0;
        for (float x : theta.grad().toArray()) norm += Math.abs(x);
        assertTrue(norm > 0, "the table receives a gradient");
    }

    @Test
    void missingOrMisshapedParametersAreNamed() {
        ScoreModifier m = Builtins.scoreRegistry().create("relative_bias(buckets=8, max_distance=4)", new ScoreContext(H));
        Tensor x = Tensor.zeros(1, H, 3, D);
        AttentionConfig cfg = AttentionConfig.defaults(D);
        var missing = assertThrows(IllegalArgumentException.class, () -> Attention.modified(x, x, x, null, cfg, m, null, 0));
        assertTrue(missing.getMessage().contains("16 learnable parameters"), missing.getMessage());
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> Attention.modified(x, x, x, null, cfg, m, Tensor.zeros(3, 8), 0));
        assertTrue(wrong.getMessage().contains("[3, 8]"), wrong.getMessage());
    }
}
