package dev.visor.attention;

import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import java.util.function.Function;

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
 * MaskContext ctx = MaskContext.builder(2, 8, 128, 128).validLengths(128, 90).build();
 * CompiledMask cm = CompiledMask.compile(MaskRegistry.load().create("causal & padding", ctx), ctx.shape(), 64, 64);
 * Tensor out = Attention.flash(q, k, v, BlockSparsity.of(cm), AttentionConfig.defaults(64));   // (2, 8, 128, 64)
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
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param mask the mask
     * @param cfg the attention configuration
     * @return the output, {@code (batch, heads, Lq, dv)}
     */
    public static Tensor flash(Tensor q, Tensor k, Tensor v, BlockSparsity mask, AttentionConfig cfg) {
        return flashWithLse(q, k, v, mask, cfg).output();
    }

    /**
     * Block-sparse flash attention that also returns the log-sum-exp {@code (batch, heads, Lq)}
     * (−∞ for rows that attend nothing). The log-sum-exp carries no gradient.
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param mask the mask
     * @param cfg the attention configuration
     * @return the output {@code (batch, heads, Lq, dv)} and the log-sum-exp {@code (batch, heads, Lq)}
     */
    public static FlashResult flashWithLse(Tensor q, Tensor k, Tensor v, BlockSparsity mask, AttentionConfig cfg) {
        return flash(q, k, v, mask, cfg, false);
    }

    /**
     * Flash attention without a mask.
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param cfg the attention configuration
     * @return the output, {@code (batch, heads, Lq, dv)}
     */
    public static Tensor flash(Tensor q, Tensor k, Tensor v, AttentionConfig cfg) {
        return flash(q, k, v, null, cfg);
    }

    /**
     * Flash attention whose output is laid out {@code (batch, Lq, heads·dv)} — the heads already
     * merged, as the output projection of multi-head attention wants them — when {@code mergeHeads}.
     */
    static FlashResult flash(Tensor q, Tensor k, Tensor v, BlockSparsity mask, AttentionConfig cfg, boolean mergeHeads) {
        HeadsView qv = HeadsView.of(q);
        HeadsView kv = HeadsView.of(k);
        HeadsView vv = HeadsView.of(v);
        return flash(qv, kv, vv, mask, cfg, mergeHeads, s -> new HeadsView[] {
            HeadsView.zeros(s.batch(), s.heads(), s.queryLength(), s.keyDim()),
            HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.keyDim()),
            HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.valueDim())},
                d -> new Tensor[] {
                    Tensor.handedOver(d[0].data(), q.shape()), Tensor.handedOver(d[1].data(), k.shape()),
                    Tensor.handedOver(d[2].data(), v.shape())},
                q, k, v);
    }

    /**
     * Self-attention over one packed projection {@code qkv (batch, L, (heads + 2·kvHeads)·headDim)} whose
     * column blocks are the queries, keys and values (the stacked {@code in_proj_weight}'s product), the
     * output {@code (batch, L, heads·headDim)} with the heads merged. The kernel reads the three blocks in
     * place, and the backward writes dQ, dK and dV straight into one gradient of {@code qkv}'s layout: no
     * per-block gradient embedded into a zero tensor of the whole width, no sum of the three, no copy of
     * a transposed gradient into row-major order. The same kernel calls on the same views as
     * {@link #flash} over {@code qkv}'s head-split narrowed views, so the same values.
     */
    static Tensor flashPacked(Tensor qkv, int heads, int kvHeads, int headDim, BlockSparsity mask, AttentionConfig cfg) {
        return flashProjected(qkv, qkv, heads, kvHeads, headDim, mask, cfg);
    }

    /**
     * As {@link #flashPacked}, for queries and key/values from two products: {@code q (batch, Lq,
     * heads·headDim)} and {@code kv (batch, Lk, 2·kvHeads·headDim)} whose column blocks are the keys and
     * the values (cross-attention over the stacked weight's query rows and key/value rows); or, with
     * {@code q == kv}, the one packed product. Each product's gradient is one array of its layout.
     */
    static Tensor flashProjected(Tensor q, Tensor kv, int heads, int kvHeads, int headDim, BlockSparsity mask,
                                 AttentionConfig cfg) {
        boolean one = q == kv;
        int kvWidth = (one ? heads + 2 * kvHeads : 2 * kvHeads) * headDim;
        int qWidth = one ? kvWidth : heads * headDim;
        checkProduct(one ? "a packed projection" : "a query projection", q, qWidth, heads, kvHeads, headDim);
        if (!one) {
            checkProduct("a key/value projection", kv, kvWidth, heads, kvHeads, headDim);
        }
        int bb = q.size(0);
        int lq = q.size(1);
        int lk = kv.size(1);
        int kAt = kvWidth - 2 * kvHeads * headDim;   // the keys, then the values, end each row of kv
        int vAt = kvWidth - kvHeads * headDim;
        float[] x = q.storage();
        float[] y = kv.storage();
        return flash(packed(x, q.offset(), bb, heads, lq, headDim, qWidth),
                packed(y, kv.offset() + kAt, bb, kvHeads, lk, headDim, kvWidth),
                packed(y, kv.offset() + vAt, bb, kvHeads, lk, headDim, kvWidth), mask, cfg, true, s -> {
                    float[] dq = StepBuffers.zeros(Math.multiplyExact(bb * lq, qWidth));
                    float[] dkv = one ? dq : StepBuffers.zeros(Math.multiplyExact(bb * lk, kvWidth));
                    return new HeadsView[] {
                        packed(dq, 0, bb, heads, lq, headDim, qWidth), packed(dkv, kAt, bb, kvHeads, lk, headDim, kvWidth),
                        packed(dkv, vAt, bb, kvHeads, lk, headDim, kvWidth)};
                }, d -> one ? new Tensor[] {Tensor.handedOver(d[0].data(), q.shape())}
                        : new Tensor[] {Tensor.handedOver(d[0].data(), q.shape()), Tensor.handedOver(d[1].data(), kv.shape())},
                one ? new Tensor[] {q} : new Tensor[] {q, kv}).output();
    }

    private static void checkProduct(String what, Tensor t, int width, int heads, int kvHeads, int headDim) {
        if (t.dim() != 3 || t.size(2) != width || !t.isContiguous()) {
            throw new IllegalArgumentException(what + " must be a contiguous (batch, L, " + width + ") tensor for "
                    + heads + " heads, " + kvHeads + " key/value heads of " + headDim + " but got shape "
                    + java.util.Arrays.toString(t.shape()) + (t.isContiguous() ? "" : ", not contiguous"));
        }
    }

    /** Heads {@code n} of {@code dim} at column {@code offset} of rows of {@code width}: {@code (batch, L, n, dim)} seen as {@code (batch, n, L, dim)}. */
    private static HeadsView packed(float[] data, int offset, int batch, int n, int l, int dim, int width) {
        return new HeadsView(data, offset, batch, n, l, dim, l * width, dim, width, 1);
    }

    /** The flash op over views: the backward writes into {@code gradientViews}' zeroed dQ, dK, dV, handed on as {@code inputGradients}. */
    private static FlashResult flash(HeadsView qv, HeadsView kv, HeadsView vv, BlockSparsity mask, AttentionConfig cfg,
                                     boolean mergeHeads, Function<AttentionShapes, HeadsView[]> gradientViews,
                                     Function<HeadsView[], Tensor[]> inputGradients, Tensor... inputs) {
        AttentionShapes s = AttentionShapes.of(qv, kv, vv);
        int bb = s.batch();
        int hh = s.heads();
        int lq = s.queryLength();
        int dv = s.valueDim();
        float[] values = StepBuffers.zeros(bb * hh * lq * dv);   // zeros, as a row that attends nothing may be left
        int[] outShape = mergeHeads ? new int[] {bb, lq, hh * dv} : new int[] {bb, hh, lq, dv};
        HeadsView out = mergeHeads
                ? new HeadsView(values, 0, bb, hh, lq, dv, lq * hh * dv, dv, hh * dv, 1)   // (batch, Lq, heads, dv)
                : HeadsView.contiguous(values, bb, hh, lq, dv);
        float[] lse = PermutedAttention.forward(qv, kv, vv, out, mask, cfg);
        Tensor output = Tensor.fromOp("flash_attention", values, outShape, g -> {
            HeadsView[] d = gradientViews.apply(s);   // zeroed dQ, dK, dV
            HeadsView go = mergeHeads
                    ? new HeadsView(g.storage(), g.offset(), bb, hh, lq, dv, g.stride(0), dv * g.stride(2), g.stride(1),
                            g.stride(2))
                    : HeadsView.of(g);
            PermutedAttention.backward(qv, kv, vv, out, lse, go, d[0], d[1], d[2], mask, cfg);
            return inputGradients.apply(d);
        }, inputs);
        return new FlashResult(output, Tensor.wrap(lse, bb, hh, lq));
    }

    /**
     * Attention with score modifiers (ALiBi, soft-capping, learned relative bias, plugins), differentiable
     * in q, k, v and in the modifiers' learnable parameters {@code theta}. Runs the block-sparse flash
     * kernel with the modifiers fused into its tiles (see {@link FlashAttention#forward(HeadsView,
     * HeadsView, HeadsView, HeadsView, BlockSparsity, AttentionConfig, ScoreModification)}): no
     * {@code Lq × Lk} tensor, EMPTY blocks skipped, rows that attend nothing give 0. The modifiers see absolute
     * positions: query {@code i} of this call sits at {@code queryOffset + i}, key {@code j} at {@code j}.
     * {@code mask == null} attends everything.
     *
     * <pre>{@code
     * ScoreModifier alibi = ScoreModifierRegistry.load().create("alibi", new ScoreContext(8));
     * Tensor out = Attention.modified(q, k, v, mask, cfg, alibi, null, 0);
     * }</pre>
     *
     * @param q the queries {@code (batch, heads, Lq, dk)}
     * @param k the keys {@code (batch, kvHeads, Lk, dk)}
     * @param v the values {@code (batch, kvHeads, Lk, dv)}
     * @param mask the mask, or null
     * @param cfg the attention configuration
     * @param modifier the score modifier (a chain for several)
     * @param theta the modifier's learnable parameters, {@code modifier.parameterCount()} values in any
     *     shape (a {@code Parameter} receives their gradient), or null when it has none
     * @param queryOffset the absolute position of the first query, at least 0
     * @return the output, {@code (batch, heads, Lq, dv)}
     * @since 0.2
     */
    public static Tensor modified(Tensor q, Tensor k, Tensor v, BlockSparsity mask, AttentionConfig cfg,
                                  dev.visor.mask.ScoreModifier modifier, Tensor theta, int queryOffset) {
        java.util.Objects.requireNonNull(modifier, "modifier");
        int count = modifier.parameterCount();
        if (count > 0 && theta == null) {
            throw new IllegalArgumentException("score modifier " + modifier.spec() + " has " + count
                    + " learnable parameters but none were given");
        }
        if (theta != null && theta.numel() != count) {
            throw new IllegalArgumentException("score modifier " + modifier.spec() + " has " + count
                    + " learnable parameters but a tensor of shape " + java.util.Arrays.toString(theta.shape())
                    + " was given");
        }
        float[] values = theta == null ? new float[0] : theta.toArray();
        ScoreModification mods = new ScoreModification(modifier, values, queryOffset);
        HeadsView qv = HeadsView.of(q);
        HeadsView kv = HeadsView.of(k);
        HeadsView vv = HeadsView.of(v);
        AttentionShapes s = AttentionShapes.of(qv, kv, vv);
        HeadsView out = HeadsView.zeros(s.batch(), s.heads(), s.queryLength(), s.valueDim());
        float[] lse = FlashAttention.forward(qv, kv, vv, out, mask, cfg, mods);
        Tensor[] inputs = theta == null ? new Tensor[] {q, k, v} : new Tensor[] {q, k, v, theta};
        return Tensor.fromOp("modified_attention", out.data(),
                new int[] {s.batch(), s.heads(), s.queryLength(), s.valueDim()}, g -> {
                    HeadsView dq = HeadsView.zeros(s.batch(), s.heads(), s.queryLength(), s.keyDim());
                    HeadsView dk = HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.keyDim());
                    HeadsView dv = HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.valueDim());
                    float[] dTheta = FlashAttention.backward(qv, kv, vv, out, lse, HeadsView.of(g), dq, dk, dv, mask, cfg,
                            mods);
                    Tensor tq = Tensor.wrap(dq.data(), q.shape());
                    Tensor tk = Tensor.wrap(dk.data(), k.shape());
                    Tensor tv = Tensor.wrap(dv.data(), v.shape());
                    return theta == null ? new Tensor[] {tq, tk, tv}
                            : new Tensor[] {tq, tk, tv, Tensor.wrap(dTheta, theta.shape())};
                }, inputs);
    }

    /**
     * Reference attention with materialised weights {@code (batch, heads, Lq, Lk)} (softmax
     * probabilities before dropout, exactly 0 at masked keys); {@code mask == null} attends
     * everything. Only the output carries a gradient.
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param mask the mask
     * @param cfg the attention configuration
     * @return reference attention with materialised weights {@code (batch, heads, Lq, Lk)} (softmax probabilities before dropout, exactly 0 at masked keys); {@code mask == null} attends everything
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
