package dev.visor.attention;

/**
 * The knobs of one scaled-dot-product attention call: the score scale, the attention-dropout
 * probability and the seed that makes dropout reproducible.
 *
 * <p>Scores are {@code s = scale · q·k}; the default scale is {@code 1/√headDim} (Vaswani et al.,
 * 2017). With {@code dropout = p > 0}, each attention weight is independently zeroed with
 * probability {@code p} and the survivors are multiplied by {@code 1/(1−p)}; which weights drop is a
 * pure function of {@code (seed, batch, head, query, key)} (see {@link DropoutMask}), so the backward
 * pass recomputes the same mask without storing it, and the flash and reference kernels drop the
 * same weights.
 *
 * <pre>{@code
 * AttentionConfig cfg = AttentionConfig.defaults(64).withDropout(0.1f, step);
 * }</pre>
 *
 * @param scale   the factor applied to every dot product; finite
 * @param dropout probability of dropping a weight, in {@code [0, 1)}
 * @param seed    the dropout seed (ignored when {@code dropout == 0})
 */
public record AttentionConfig(float scale, float dropout, long seed) {

    /**
     * Checks the values.
     *
     * @param scale the factor the scores are multiplied by
     * @param dropout the dropout probability
     * @param seed the seed
     */
    public AttentionConfig {
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("attention scale must be finite but got " + scale);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1) but got " + dropout);
        }
    }

    /**
     * Scale {@code 1/√headDim}, no dropout.
     *
     * @param headDim the width of one head
     * @return scale {@code 1/√headDim}, no dropout
     */
    public static AttentionConfig defaults(int headDim) {
        if (headDim < 1) {
            throw new IllegalArgumentException("head dimension must be positive but got " + headDim);
        }
        return new AttentionConfig((float) (1.0 / Math.sqrt(headDim)), 0f, 0L);
    }

    /**
     * The same configuration with another scale.
     *
     * @param newScale the new scale
     * @return the same configuration with another scale
     */
    public AttentionConfig withScale(float newScale) {
        return new AttentionConfig(newScale, dropout, seed);
    }

    /**
     * The same configuration with attention dropout {@code p} drawn from {@code newSeed}.
     *
     * @param p the probability
     * @param newSeed the seed of the dropout draws
     * @return the same configuration with attention dropout {@code p} drawn from {@code newSeed}
     */
    public AttentionConfig withDropout(float p, long newSeed) {
        return new AttentionConfig(scale, p, newSeed);
    }

    /**
     * True when weights are dropped.
     *
     * @return true when weights are dropped
     */
    public boolean hasDropout() {
        return dropout > 0f;
    }
}
