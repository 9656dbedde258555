package dev.visor.attention;

/**
 * Which attention weights dropout removes, as a pure function of
 * {@code (seed, batch, head, query, key)} so that forward and backward (and the flash and the
 * reference kernels) agree without storing a mask.
 *
 * <p>The element's linear index {@code ((b·H + h)·Lq + q)·Lk + k} is mixed with the seed by the
 * SplitMix64 finaliser; the top 24 bits, read as a uniform {@code u ∈ [0, 1)}, keep the weight when
 * {@code u ≥ p}. Kept weights are scaled by {@code 1/(1−p)}.
 */
final class DropoutMask {
    private final long seed;
    private final int heads;
    private final int queryLength;
    private final int keyLength;
    private final int threshold;
    private final float keepScale;

    DropoutMask(AttentionConfig cfg, int heads, int queryLength, int keyLength) {
        this.seed = cfg.seed();
        this.heads = heads;
        this.queryLength = queryLength;
        this.keyLength = keyLength;
        this.threshold = (int) Math.ceil(cfg.dropout() * (double) (1 << 24));
        this.keepScale = (float) (1.0 / (1.0 - cfg.dropout()));
    }

    /** The factor applied to the weight of {@code (b, h, q, k)}: 0 when dropped, else {@code 1/(1−p)}. */
    float factor(int b, int h, int q, int k) {
        long index = (((long) b * heads + h) * queryLength + q) * keyLength + k;
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        int u = (int) (z >>> 40);
        return u < threshold ? 0f : keepScale;
    }

    /** Fills {@code out[j] = factor(b, h, q, k0 + j)} for {@code j < n}. */
    void factors(int b, int h, int q, int k0, int n, float[] out) {
        for (int j = 0; j < n; j++) {
            out[j] = factor(b, h, q, k0 + j);
        }
    }
}
