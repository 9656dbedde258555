package dev.visor.attention;

import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierChain;
import java.util.List;
import java.util.Objects;

/**
 * The score modifiers of one attention call with the current values of their learnable parameters:
 * what {@link ReferenceAttention} applies to every scaled score {@code s = scale · q·k} before masking
 * and softmax. Query {@code i} of the call sits at absolute position {@code queryOffset + i} and key
 * {@code j} at {@code j}, as with a KV cache holding every earlier key.
 *
 * <pre>{@code
 * ScoreModifier m = ScoreModifierRegistry.load().create("softcap(cap=30) >> alibi", new ScoreContext(heads));
 * ScoreModification mods = ScoreModification.of(m);          // no learnable parameters
 * ReferenceAttention.forward(q, k, v, mask, cfg, mods);
 * }</pre>
 *
 * <p>{@link FlashAttention#forward(HeadsView, HeadsView, HeadsView, HeadsView, BlockSparsity, AttentionConfig,
 * ScoreModification)} and its backward fuse the modifiers into the flash kernel's tiles through the
 * modifiers' row hooks ({@link ScoreModifier#applyRow}, {@link ScoreModifier#backwardRow}); the
 * reference applies {@link ScoreModifier#apply} element by element and is their oracle.
 *
 * @param modifier the modifier (a chain for several)
 * @param theta its learnable parameters, exactly {@code modifier.parameterCount()} floats; read, never written
 * @param queryOffset the absolute position of the first query, at least 0
 * @since 0.2
 */
public record ScoreModification(ScoreModifier modifier, float[] theta, int queryOffset) {

    /**
     * Checks that the parameters fit the modifier.
     *
     * @param modifier the modifier (a chain for several)
     * @param theta its learnable parameters, exactly {@code modifier.parameterCount()} floats
     * @param queryOffset the absolute position of the first query, at least 0
     */
    public ScoreModification {
        Objects.requireNonNull(modifier, "modifier");
        Objects.requireNonNull(theta, "theta");
        if (theta.length != modifier.parameterCount()) {
            throw new IllegalArgumentException("score modifier " + modifier.spec() + " has " + modifier.parameterCount()
                    + " learnable parameters but " + theta.length + " were given");
        }
        if (queryOffset < 0) throw new IllegalArgumentException("query offset must be at least 0 but was " + queryOffset);
    }

    /**
     * A modifier with its initial parameters ({@link ScoreModifier#initialise}), queries from position 0.
     *
     * @param modifier the modifier
     * @return the modification
     */
    public static ScoreModification of(ScoreModifier modifier) {
        float[] theta = new float[modifier.parameterCount()];
        modifier.initialise(theta, 0);
        return new ScoreModification(modifier, theta, 0);
    }

    /**
     * Modifiers applied in list order, with their parameters concatenated in that order.
     *
     * @param modifiers at least one modifier
     * @param theta the concatenated parameters
     * @return the modification
     */
    public static ScoreModification of(List<? extends ScoreModifier> modifiers, float[] theta) {
        return new ScoreModification(ScoreModifierChain.of(modifiers), theta, 0);
    }

    /**
     * The same modifiers for queries starting at another absolute position (a decoding step).
     *
     * @param offset the first query's position
     * @return the modification
     */
    public ScoreModification atQueryOffset(int offset) {
        return new ScoreModification(modifier, theta, offset);
    }

    /** The modified score of one element. */
    float apply(float score, int b, int h, int i, int j) {
        return modifier.apply(score, b, h, queryOffset + i, j, theta, 0);
    }
}
