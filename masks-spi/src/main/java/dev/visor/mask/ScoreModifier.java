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
