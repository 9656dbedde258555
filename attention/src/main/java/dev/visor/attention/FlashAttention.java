package dev.visor.attention;

/**
 * Block-sparse flash attention on raw arrays: exact softmax attention that never materialises the
 * {@code Lq × Lk} score matrix and whose cost is proportional to the number of non-EMPTY blocks of
 * the mask.
 *
 * <p><b>What it computes.</b> For query row {@code i} with allowed key set
 * {@code A_i = {j : attends(b, h, i, j)}} and {@code s_ij = scale · q_i·k_j}:
 * <pre>
 *   o_i = Σ_{j∈A_i} softmax_{A_i}(s_i)_j · v_j ,     lse_i = log Σ_{j∈A_i} exp(s_ij)
 * </pre>
 * Masked keys are excluded from the softmax (weight exactly 0). An empty row ({@code A_i = ∅}) has
 * output 0, {@code lse = −∞} and zero gradient; no NaN is produced.
 *
 * <p><b>How (forward).</b> Each (batch, head, query block) streams over the FULL and PARTIAL key
 * blocks {@code j} of the {@link BlockSparsity} (EMPTY blocks are never touched; the predicate is
 * evaluated only inside PARTIAL ones) with the online-softmax recurrences (Milakov &amp; Gimelshein
 * 2018; Dao et al. 2022):
 * <pre>
 *   S   = Q_i K_jᵀ · scale                      (masked entries excluded)
 *   m'  = max(m, rowmax S)
 *   P   = exp(S − m')
 *   l'  = exp(m − m') · l + rowsum P
 *   O'  = exp(m − m') · O + P V_j
 * </pre>
 * and finally {@code o_i = O / l}, {@code lse_i = m + log l}. Exponentials are the tensor core's
 * vectorised {@code VecMath.exp} ({@code e^−∞ = 0} exactly, so masked scores of −∞ vanish).
 *
 * <p><b>How (backward).</b> By recomputation from the log-sum-exp, {@code P = exp(S − lse)}, with
 * {@code D_i = rowsum(dO_i ∘ O_i)} standing in for {@code rowsum(P ∘ dP)}:
 * <pre>
 *   dV_j += Pᵀ dO_i ,  dP = dO_i V_jᵀ ,  dS = P ∘ (dP − D_i) ,  dQ_i += scale · dS K_j ,  dK_j += scale · dSᵀ Q_i
 * </pre>
 * With attention dropout {@code p}, {@code P V} uses {@code P ∘ Z/(1−p)} and {@code dP} is multiplied
 * by the same {@code Z/(1−p)}, where {@code Z} is recomputed from the seed (see {@link AttentionConfig}).
 *
 * <p><b>Score modifiers.</b> The overloads taking a {@link ScoreModification} apply
 * {@code s' = m(s, b, h, queryOffset + i, j)} to every score of a visited tile after {@code S} and
 * before the mask, and in backward turn {@code dS'} into {@code dS = dS' · m'(s)} while accumulating
 * the modifiers' parameter gradients (see {@link TileModifier} and
 * {@link dev.visor.mask.ScoreModifier#applyRow}). The recurrences above then run on {@code s'}.
 *
 * <p>Key/value heads may be grouped: with {@code H} query heads and {@code Hkv} key/value heads,
 * query head {@code h} uses key/value head {@code h / (H/Hkv)}. Work is split across
 * {@code Parallel.threads()} cores in chunks of about equal cost; the Vector API is used when
 * present, with a scalar fallback giving the same results up to summation order.
 *
 * <pre>{@code
 * BlockSparsity mask = BlockSparsity.classify((b, h, i, j) -> j <= i, 1, 8, 1024, 1024, 64, 64, false, false);
 * HeadsView out = HeadsView.zeros(1, 8, 1024, 64);
 * float[] lse = FlashAttention.forward(q, k, v, out, mask, AttentionConfig.defaults(64));
 * FlashAttention.backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, AttentionConfig.defaults(64));
 * }</pre>
 */
public final class FlashAttention {
    /** The block size the kernels are tuned for (query and key blocks of 64). */
    public static final int DEFAULT_BLOCK = 64;

    private FlashAttention() {}

    /**
     * Computes attention into {@code out} ({@code (B, H, Lq, dv)}, every element written) and
     * returns the log-sum-exp of every row, row-major {@code (B, H, Lq)}.
     *
     * @param mask the compiled mask, or {@code null} for none
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param out the output array
     * @param cfg the attention configuration
     * @return the log-sum-exp of every row, row-major {@code (B, H, Lq)}
     */
    public static float[] forward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                                  AttentionConfig cfg) {
        return forward(q, k, v, out, mask, cfg, TileOps.best(), 0);
    }

    /**
     * {@link #forward(HeadsView, HeadsView, HeadsView, HeadsView, BlockSparsity, AttentionConfig)} with
     * score modifiers fused into the kernel: every scaled score of a visited tile becomes
     * {@code mods.modifier().apply(s, b, h, queryOffset + i, j, theta, 0)} before masking and softmax,
     * through the modifiers' row hooks ({@link dev.visor.mask.ScoreModifier#applyRow}); no
     * {@code Lq × Lk} tensor is formed and EMPTY blocks stay untouched.
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param out the output array
     * @param mask the compiled mask, or {@code null} for none
     * @param cfg the attention configuration
     * @param mods the score modifiers with their parameters and query offset, or null for none
     * @return the log-sum-exp of every row (of the modified scores), row-major {@code (B, H, Lq)}
     * @since 0.2
     */
    public static float[] forward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                                  AttentionConfig cfg, ScoreModification mods) {
        return forward(q, k, v, out, mask, cfg, mods, TileOps.best(), 0);
    }

    static float[] forward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                           AttentionConfig cfg, TileOps ops, int chunks) {
        return forward(q, k, v, out, mask, cfg, null, ops, chunks);
    }

    static float[] forward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                           AttentionConfig cfg, ScoreModification mods, TileOps ops, int chunks) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        s.checkOutput("output", out, s.valueDim());
        BlockSparsity m = orDense(mask, s);
        s.checkMask(m);
        checkHeads(mods, s.heads());
        return FlashForward.run(q, k, v, out, m, cfg, mods, ops, chunks);
    }

    /**
     * Writes the gradients of {@code Σ dOut ∘ out} with respect to q, k and v into {@code dq},
     * {@code dk}, {@code dv} (shaped like q, k, v; every element written), recomputing the attention
     * weights from {@code lse}.
     *
     * @param out the output of {@link #forward} for the same inputs, mask and configuration
     * @param lse the log-sum-exp returned by {@link #forward}
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param dOut the gradient of the output
     * @param dq the gradient of the queries (written)
     * @param dk the query/key width
     * @param dv the value width
     * @param mask the mask
     * @param cfg the attention configuration
     */
    public static void backward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                                HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, AttentionConfig cfg) {
        backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, cfg, TileOps.best(), 0);
    }

    /**
     * The backward of {@link #forward(HeadsView, HeadsView, HeadsView, HeadsView, BlockSparsity,
     * AttentionConfig, ScoreModification)}: writes {@code dq}, {@code dk}, {@code dv} as
     * {@link #backward(HeadsView, HeadsView, HeadsView, HeadsView, float[], HeadsView, HeadsView, HeadsView,
     * HeadsView, BlockSparsity, AttentionConfig)} does, passing {@code dS} back through the modifiers'
     * row hooks ({@link dev.visor.mask.ScoreModifier#backwardRow}), and returns the gradient of the
     * modifiers' parameters. Those are accumulated per query block, then per work chunk in double,
     * then over chunks in chunk order, so repeated calls give bit-equal results.
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param out the output of the forward pass with the same modifiers
     * @param lse the log-sum-exp it returned
     * @param dOut the gradient of the output
     * @param dq the gradient of the queries (written)
     * @param dk the gradient of the keys (written)
     * @param dv the gradient of the values (written)
     * @param mask the mask
     * @param cfg the attention configuration
     * @param mods the score modifiers of the forward pass, or null
     * @return {@code ∂L/∂theta}, laid out like {@code mods.theta()} (empty without modifiers)
     * @since 0.2
     */
    public static float[] backward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                                   HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, AttentionConfig cfg,
                                   ScoreModification mods) {
        return backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, cfg, mods, TileOps.best(), 0);
    }

    static void backward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                         HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, AttentionConfig cfg,
                         TileOps ops, int chunks) {
        backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, cfg, null, ops, chunks);
    }

    static float[] backward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                            HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, AttentionConfig cfg,
                            ScoreModification mods, TileOps ops, int chunks) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        s.checkOutput("output", out, s.valueDim());
        s.checkOutput("output gradient", dOut, s.valueDim());
        s.checkOutput("query gradient", dq, s.keyDim());
        s.checkKeySide("key gradient", dk, s.keyDim());
        s.checkKeySide("value gradient", dv, s.valueDim());
        int rows = s.batch() * s.heads() * s.queryLength();
        if (lse == null || lse.length != rows) {
            throw new IllegalArgumentException("log-sum-exp must hold " + rows + " values (batch·heads·Lq) but got "
                    + (lse == null ? "null" : lse.length));
        }
        BlockSparsity m = orDense(mask, s);
        s.checkMask(m);
        checkHeads(mods, s.heads());
        return FlashBackward.run(q, k, v, out, lse, dOut, dq, dk, dv, m, cfg, mods, ops, chunks);
    }

    /** A built-in with per-head values (alibi's slopes, relative_bias's table rows) must cover every query head. */
    private static void checkHeads(ScoreModification mods, int heads) {
        if (mods == null) {
            return;
        }
        dev.visor.mask.ScoreModifier m = mods.modifier();
        for (dev.visor.mask.ScoreModifier stage : m instanceof dev.visor.mask.ScoreModifierChain c ? c.stages()
                : java.util.List.of(m)) {
            int has = stage instanceof dev.visor.mask.builtin.AlibiModifier a ? a.slopes().length
                    : stage instanceof dev.visor.mask.builtin.RelativeBiasModifier r ? r.heads() : Integer.MAX_VALUE;
            if (has < heads) {
                throw new IllegalArgumentException("score modifier " + stage.spec() + " was made for " + has
                        + " heads but the attention call has " + heads + " query heads");
            }
        }
    }

    private static BlockSparsity orDense(BlockSparsity mask, AttentionShapes s) {
        return mask != null ? mask
                : BlockSparsity.dense(Math.max(1, s.batch()), Math.max(1, s.heads()), s.queryLength(), s.keyLength(),
                        DEFAULT_BLOCK, DEFAULT_BLOCK);
    }
}
