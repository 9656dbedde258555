package dev.visor.mask;

/**
 * How a score is formed: maps the scaled score {@code s = scale · q·k} of query position {@code q}
 * and key position {@code k} (absolute positions, so cached decoding sees the same values) of
 * sequence {@code batch} and head {@code head} to a new score, before masking and softmax. The
 * element-wise counterpart of a {@link Mask}; PyTorch FlexAttention calls it {@code score_mod}.
 *
 * <p>A modifier is an immutable value: structural {@code equals}, and {@link #spec()} printing its
 * strategy name with every parameter. A modifier with <em>learnable</em> parameters (T5's relative
 * bias table) declares their shape; their current values are owned by the layer and passed in as a
 * flat array {@code theta} with an offset {@code at} (so a chain passes one array to all its stages
 * without copying), and the modifier itself stays a value. A modifier without parameters ignores them.
 *
 * <p>For backward, with {@code s' = apply(s, ...)} and {@code G = ∂L/∂s'}:
 * <pre>
 *   ∂L/∂s     = G · derivative(s, ...)                     (then ∂L/∂q, ∂L/∂k through s = scale · q·k)
 *   ∂L/∂theta += G · ∂s'/∂theta                             (accumulateGradient)
 * </pre>
 * Modifiers compose in sequence with {@link #then}, written {@code a >> b} in specs (apply {@code a},
 * then {@code b}).
 *
 * <p><b>Tile hooks.</b> The element-wise methods are the definition. Fused flash kernels work on
 * tiles of scores and call the row hooks {@link #applyRow} (forward) and {@link #backwardRow}
 * (backward: derivative row and parameter gradients) once per row segment of a tile, with the
 * batch, head, absolute query position, first key position and key count. Their defaults loop over
 * the element-wise methods, so every modifier works fused as it is; a modifier whose speed matters
 * overrides them with tight loops (the built-ins do) that must give the same values, which
 * {@code ScoreModifierContract} of masks-testkit checks.
 *
 * <pre>{@code
 * ScoreModifier m = ScoreModifierRegistry.load().create("softcap(cap=30) >> alibi", new ScoreContext(8));
 * float s2 = m.apply(s, b, h, q, k, new float[m.parameterCount()], 0);
 * }</pre>
 *
 * @since 0.2
 */
public interface ScoreModifier {

    /**
     * The modified score.
     *
     * @param score the scaled score
     * @param batch sequence index
     * @param head query head index
     * @param query absolute query position
     * @param key absolute key position
     * @param theta holds the learnable parameters, {@link #parameterCount()} floats row-major in
     *     {@link #parameterShape()}, starting at {@code at}
     * @param at where this modifier's parameters start in {@code theta} (and in {@code thetaGradient})
     * @return the new score
     */
    float apply(float score, int batch, int head, int query, int key, float[] theta, int at);

    /**
     * The derivative of {@link #apply} with respect to {@code score}, at {@code score}.
     *
     * @param score the scaled score (before this modifier)
     * @param batch sequence index
     * @param head query head index
     * @param query absolute query position
     * @param key absolute key position
     * @param theta holds the learnable parameters from {@code at}
     * @param at where this modifier's parameters start
     * @return {@code d apply / d score}
     */
    float derivative(float score, int batch, int head, int query, int key, float[] theta, int at);

    /**
     * The tile hook of the forward pass: {@link #apply} on a row segment in place, for query
     * {@code query} and the {@code count} keys {@code firstKey, firstKey + 1, ...}:
     * {@code scores[off + j] = apply(scores[off + j], batch, head, query, firstKey + j, theta, at)}.
     * Fused attention kernels call this once per row of a score tile instead of {@link #apply} per
     * element, so a modifier whose cost matters overrides it with a tight loop the JIT can vectorise
     * (hoisting what depends only on the head and the row). The result must equal the element-wise
     * definition (bit for bit is best; the contract allows float rounding).
     *
     * @param scores the scores, modified in place
     * @param off where the segment starts in {@code scores}
     * @param count the number of keys in the segment, at least 0
     * @param batch sequence index
     * @param head query head index
     * @param query absolute query position
     * @param firstKey absolute position of the key at {@code off}
     * @param theta holds the learnable parameters from {@code at}
     * @param at where this modifier's parameters start
     * @since 0.2
     */
    default void applyRow(float[] scores, int off, int count, int batch, int head, int query, int firstKey,
                          float[] theta, int at) {
        for (int j = 0; j < count; j++) {
            scores[off + j] = apply(scores[off + j], batch, head, query, firstKey + j, theta, at);
        }
    }

    /**
     * The tile hook of the backward pass, for the same row segment as {@link #applyRow}: with
     * {@code s = scores[off + j]} (the score before this modifier) and {@code G = gradients[off + j]}
     * (∂L/∂ of the modified score), adds {@code G · ∂apply/∂theta} into {@code thetaGradient}
     * ({@link #accumulateGradient}) and replaces {@code gradients[off + j]} by
     * {@code G · derivative(s, ...)}. Elements with {@code G = 0} (masked keys) are left alone. The
     * default loops over the element-wise methods; overrides must agree with them.
     *
     * @param scores the scores before this modifier; read only
     * @param gradients the gradients of the modified scores, replaced by those of the scores
     * @param off where the segment starts in both arrays
     * @param count the number of keys in the segment, at least 0
     * @param batch sequence index
     * @param head query head index
     * @param query absolute query position
     * @param firstKey absolute position of the key at {@code off}
     * @param theta holds the learnable parameters from {@code at}
     * @param at where this modifier's parameters start
     * @param thetaGradient where parameter gradients accumulate, laid out like {@code theta}
     * @since 0.2
     */
    default void backwardRow(float[] scores, float[] gradients, int off, int count, int batch, int head, int query,
                             int firstKey, float[] theta, int at, float[] thetaGradient) {
        for (int j = 0; j < count; j++) {
            float g = gradients[off + j];
            if (g == 0f) continue;
            float s = scores[off + j];
            accumulateGradient(g, s, batch, head, query, firstKey + j, theta, at, thetaGradient);
            gradients[off + j] = g * derivative(s, batch, head, query, firstKey + j, theta, at);
        }
    }

    /**
     * The shape of the learnable parameters, e.g. {@code {heads, buckets}}; empty when there are none.
     *
     * @return a fresh array of dimensions
     */
    default int[] parameterShape() {
        return new int[0];
    }

    /**
     * The number of learnable parameters, the product of {@link #parameterShape()} (0 when there are none).
     *
     * @return the count
     */
    default int parameterCount() {
        int[] shape = parameterShape();
        if (shape.length == 0) return 0;
        long n = 1;
        for (int d : shape) n *= d;
        return Math.toIntExact(n);
    }

    /**
     * Adds {@code gradient · ∂apply/∂theta} at this element into {@code thetaGradient}. The default
     * does nothing, right for modifiers without parameters.
     *
     * @param gradient {@code ∂L/∂s'}, the gradient of the modified score
     * @param score the scaled score (before this modifier)
     * @param batch sequence index
     * @param head query head index
     * @param query absolute query position
     * @param key absolute key position
     * @param theta holds the learnable parameters from {@code at}
     * @param at where this modifier's parameters start
     * @param thetaGradient where to accumulate, laid out like {@code theta}
     */
    default void accumulateGradient(float gradient, float score, int batch, int head, int query, int key,
                                    float[] theta, int at, float[] thetaGradient) {
    }

    /**
     * The initial values of the learnable parameters, written into {@code theta} (zeros by default).
     *
     * @param theta the array to fill from {@code at}
     * @param at where this modifier's parameters start
     */
    default void initialise(float[] theta, int at) {
        java.util.Arrays.fill(theta, at, at + parameterCount(), 0f);
    }

    /**
     * Whether {@link #apply} depends on {@code batch}; kernels may hoist per-sequence work when not.
     *
     * @return true unless overridden
     */
    default boolean dependsOnBatch() {
        return true;
    }

    /**
     * The canonical spec: the strategy name with every parameter, e.g. {@code softcap(cap=30.0)}, or
     * {@code a >> b} for a chain. Parsing it with the registry and the same context gives an equal modifier.
     *
     * @return the spec
     */
    String spec();

    /**
     * This modifier followed by {@code next}: {@code next.apply(this.apply(s))}.
     *
     * @param next the modifier applied second
     * @return the sequential composition (chains flatten)
     */
    default ScoreModifier then(ScoreModifier next) {
        return ScoreModifierChain.of(java.util.List.of(this, next));
    }
}
