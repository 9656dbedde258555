package dev.visor.attention;

import dev.visor.tensor.Tensor;

/**
 * Scaled-dot-product attention on tensors, differentiable: {@code softmax(Q Kᵀ · scale)} restricted
 * to the keys the mask allows, times {@code V}.
 *
 * <p>Inputs are {@code q (batch, heads, Lq, dk)}, {@code k (batch, kvHeads, Lk, dk)},
 * {@code v (batch, kvHeads, Lk, dv)}, with {@code heads} a multiple of {@code kvHeads}; the output
 * is {@code (batch, heads, Lq, dv)}. {@link #flash} runs the block-sparse flash kernel (see
 * {@link FlashAttention} for the equations) and never materialises the score matrix;
 * {@link #reference} materialises it and returns the attention weights too, for visualisation and
 * as the oracle. Both record a backward step with {@link Tensor#fromOp}, so gradients reach q, k and
 * v. Any strided rank-4 view is accepted (e.g. a {@code (batch, seq, heads, dim)} projection
 * transposed) without a copy.
 *
 * <pre>{@code
 * BlockSparsity causal = BlockSparsity.classify((b, h, i, j) -> j <= i, 2, 8, 128, 128, 64, 64, false, false);
 * Tensor out = Attention.flash(q, k, v, causal, AttentionConfig.defaults(64));   // (2, 8, 128, 64)
 * out.sum().backward();
 * }</pre>
 */
public final class Attention {
    private Attention() {}

    /** The flash kernel's results: the output (differentiable) and the log-sum-exp of every row. */
    public record FlashResult(Tensor output, Tensor logSumExp) {}

    /** The reference kernel's results: the output (differentiable), the weights and the log-sum-exp. */
    public record ReferenceResult(Tensor output, Tensor weights, Tensor logSumExp) {}

    /**
     * Block-sparse flash attention; {@code mask == null} attends everything.
     *
     * @return the output, {@code (batch, heads, Lq, dv)}
     */
    public static Tensor flash(Tensor q, Tensor k, Tensor v, BlockSparsity mask, AttentionConfig cfg) {
        return flashWithLse(q, k, v, mask, cfg).output();
    }

    /**
     * Block-sparse flash attention that also returns the log-sum-exp {@code (batch, heads, Lq)}
     * (−∞ for rows that attend nothing). The log-sum-exp carries no gradient.
     */
    public static FlashResult flashWithLse(Tensor q, Tensor k, Tensor v, BlockSparsity mask, AttentionConfig cfg) {
        HeadsView qv = HeadsView.of(q);
        HeadsView kv = HeadsView.of(k);
        HeadsView vv = HeadsView.of(v);
        AttentionShapes s = AttentionShapes.of(qv, kv, vv);
        int[] outShape = {s.batch(), s.heads(), s.queryLength(), s.valueDim()};
        HeadsView out = HeadsView.zeros(outShape[0], outShape[1], outShape[2], outShape[3]);
        float[] lse = FlashAttention.forward(qv, kv, vv, out, mask, cfg);
        Tensor output = Tensor.fromOp("flash_attention", out.data(), outShape, g -> {
            HeadsView dq = HeadsView.zeros(s.batch(), s.heads(), s.queryLength(), s.keyDim());
            HeadsView dk = HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.keyDim());
            HeadsView dv = HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.valueDim());
            FlashAttention.backward(qv, kv, vv, out, lse, HeadsView.of(g), dq, dk, dv, mask, cfg);
            return new Tensor[] {
                Tensor.wrap(dq.data(), q.shape()), Tensor.wrap(dk.data(), k.shape()), Tensor.wrap(dv.data(), v.shape())};
        }, q, k, v);
        return new FlashResult(output, Tensor.wrap(lse, s.batch(), s.heads(), s.queryLength()));
    }

    /**
     * Reference attention with materialised weights {@code (batch, heads, Lq, Lk)} (softmax
     * probabilities before dropout, exactly 0 at masked keys); {@code mask == null} attends
     * everything. Only the output carries a gradient.
     */
    public static ReferenceResult reference(Tensor q, Tensor k, Tensor v, ElementMask mask, AttentionConfig cfg) {
        HeadsView qv = HeadsView.of(q);
        HeadsView kv = HeadsView.of(k);
        HeadsView vv = HeadsView.of(v);
        AttentionShapes s = AttentionShapes.of(qv, kv, vv);
        ReferenceAttention.Result r = ReferenceAttention.forward(qv, kv, vv, mask, cfg);
        Tensor output = Tensor.fromOp("reference_attention", r.output(),
                new int[] {s.batch(), s.heads(), s.queryLength(), s.valueDim()}, g -> {
                    ReferenceAttention.Gradients gr = ReferenceAttention.backward(qv, kv, vv, mask, cfg, HeadsView.of(g));
                    return new Tensor[] {
                        Tensor.wrap(gr.dq(), q.shape()), Tensor.wrap(gr.dk(), k.shape()), Tensor.wrap(gr.dv(), v.shape())};
                }, q, k, v);
        return new ReferenceResult(output,
                Tensor.wrap(r.weights(), s.batch(), s.heads(), s.queryLength(), s.keyLength()),
                Tensor.wrap(r.logSumExp(), s.batch(), s.heads(), s.queryLength()));
    }
}
