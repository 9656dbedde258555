package dev.visor.attention;

import dev.visor.tensor.kernel.KeepBits;

/**
 * Which attention weights dropout removes, as a pure function of
 * {@code (seed, batch, head, query, key)} so that forward and backward (and the flash and the
 * reference kernels) agree without storing a mask.
 *
 * <p>The element's linear index {@code ((b·H + h)·Lq + q)·Lk + k} is mixed with the seed by the
 * SplitMix64 finaliser; the top 24 bits, read as a uniform {@code u ∈ [0, 1)}, keep the weight when
 * {@code u ≥ p}. Kept weights are scaled by {@code 1/(1−p)}.
 *
 * <p>The element of index {@code i} is draw {@code i} of the SplitMix64 stream with state
 * {@code seed} and increment the golden gamma, and {@code u ≥ p} on the top 24 bits is
 * {@code (z >>> 11) ≥ threshold·2²⁹} on the top 53, so {@link #apply} draws a tile's factors a vector
 * at a time with {@link KeepBits#fill}: the same bits as {@link #factor}. An instance holds scratch
 * for {@link #apply} and belongs to one thread.
 */
final class DropoutMask {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final long seed;
    private final int heads;
    private final int queryLength;
    private final int keyLength;
    private final int threshold;
    private final float keepScale;
    private long[] keep = new long[2];

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
        long z = seed + (index + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        int u = (int) (z >>> 40);
        return u < threshold ? 0f : keepScale;
    }

    /**
     * {@code dst[r·ld + j] = src[r·ld + j] · factor(b, h, q0 + r, k0 + j)} for {@code r < rows},
     * {@code j < n} ({@code dst} may be {@code src}): the same products as with {@link #factor}.
     * When the {@code n} keys are all of them, the rows' elements are consecutive draws and one
     * {@link KeepBits#fill} covers the tile; otherwise one per row.
     */
    void apply(float[] src, float[] dst, int ld, int rows, int b, int h, int q0, int k0, int n) {
        long row0 = (((long) b * heads + h) * queryLength + q0) * keyLength + k0;
        long threshold53 = (long) threshold << 29;
        int keptBits = Float.floatToRawIntBits(keepScale);
        if (k0 == 0 && n == keyLength) {
            int total = rows * n;
            ensure(total);
            KeepBits.fill(seed + row0 * GOLDEN, GOLDEN, threshold53, keep, total);
            for (int r = 0, i = 0; r < rows; r++) {
                for (int j = 0, at = r * ld; j < n; j++, i++, at++) {
                    dst[at] = src[at] * Float.intBitsToFloat(keptBits & -((int) (keep[i >>> 6] >>> i) & 1));
                }
            }
            return;
        }
        ensure(n);
        for (int r = 0; r < rows; r++) {
            KeepBits.fill(seed + (row0 + (long) r * keyLength) * GOLDEN, GOLDEN, threshold53, keep, n);
            for (int j = 0, at = r * ld; j < n; j++, at++) {
                dst[at] = src[at] * Float.intBitsToFloat(keptBits & -((int) (keep[j >>> 6] >>> j) & 1));
            }
        }
    }

    private void ensure(int draws) {
        int words = (draws + 63) >>> 6;
        if (keep.length < words) {
            keep = new long[words];
        }
    }
}
