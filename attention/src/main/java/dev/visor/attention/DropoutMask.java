package dev.visor.attention;

import dev.visor.tensor.kernel.KeepBits;
import dev.visor.tensor.kernel.VectorSupport;

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
 * at a time with {@link KeepBits#fill} and multiplies them in a vector at a time with
 * {@link TileOps#dropRow}: the same bits as {@link #factor}. An instance holds scratch
 * for {@link #apply} and belongs to one thread.
 */
final class DropoutMask {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** Fill whole 64-draw words: the vector path covers only those, and its scalar tail was ~10× slower per draw. */
    private static final boolean WHOLE_WORDS = VectorSupport.available();
    private final TileOps ops;
    private final long seed;
    private final int heads;
    private final int queryLength;
    private final int keyLength;
    private final int threshold;
    private final float keepScale;
    private final long threshold53;
    private final FlashScratch scratch;   // where keep grows, or null
    private long[] keep;
    private long filledFrom = -1;   // the element index of keep's bit 0, or −1
    private int filledCount;        // how many bits from there keep holds

    DropoutMask(AttentionConfig cfg, int heads, int queryLength, int keyLength) {
        this(cfg, heads, queryLength, keyLength, TileOps.best(), null);
    }

    /**
     * With the tile primitives {@link #apply} multiplies through, its keep bits in a flash worker's
     * {@code scratch} (or in arrays of its own when null).
     */
    DropoutMask(AttentionConfig cfg, int heads, int queryLength, int keyLength, TileOps ops, FlashScratch scratch) {
        this.ops = ops;
        this.scratch = scratch;
        this.keep = scratch != null ? scratch.longs(2) : new long[2];
        this.seed = cfg.seed();
        this.heads = heads;
        this.queryLength = queryLength;
        this.keyLength = keyLength;
        this.threshold = (int) Math.ceil(cfg.dropout() * (double) (1 << 24));
        this.keepScale = (float) (1.0 / (1.0 - cfg.dropout()));
        this.threshold53 = (long) threshold << 29;
    }

    /** The factor applied to the weight of {@code (b, h, q, k)}: 0 when dropped, else {@code 1/(1−p)}. */
    float factor(int b, int h, int q, int k) {
        long index = (((long) b * heads + h) * queryLength + q) * keyLength + k;
        long z = KeepBits.mix64(seed + (index + 1) * GOLDEN);
        int u = (int) (z >>> 40);
        return u < threshold ? 0f : keepScale;
    }

    /**
     * {@code dst[r·ld + j] = src[r·ld + j] · factor(b, h, q0 + r, k0 + j)} for {@code r < rows},
     * {@code j < n} ({@code dst} may be {@code src}; the rest of each row is left alone): the same
     * products as with {@link #factor}, a vector at a time ({@link TileOps#dropRow}). When the
     * {@code n} keys are all of them, the rows' elements are consecutive draws and one
     * {@link KeepBits#fill} covers the tile; otherwise one per row.
     */
    void apply(float[] src, float[] dst, int ld, int rows, int b, int h, int q0, int k0, int n) {
        long row0 = (((long) b * heads + h) * queryLength + q0) * keyLength + k0;
        if (k0 == 0 && n == keyLength) {
            fill(row0, rows * n);
            for (int r = 0; r < rows; r++) {
                ops.dropRow(src, dst, r * ld, n, keep, r * n, keepScale);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            fill(row0 + (long) r * keyLength, n);
            ops.dropRow(src, dst, r * ld, n, keep, 0, keepScale);
        }
    }

    /**
     * Makes {@link #keep} hold the keep bits of elements {@code first … first + draws − 1} (bit 0 for
     * {@code first}). The backward pass applies one tile's factors twice (to P and to dP), so the
     * second call finds the bits already there; with the Vector API the count is rounded up to whole
     * words (the extra bits are the next elements', never read).
     */
    private void fill(long first, int draws) {
        int count = WHOLE_WORDS ? (draws + 63) & ~63 : draws;
        if (first == filledFrom && count <= filledCount) {
            return;
        }
        ensure(count);
        KeepBits.fill(seed + first * GOLDEN, GOLDEN, threshold53, keep, count);
        filledFrom = first;
        filledCount = count;
    }

    private void ensure(int draws) {
        int words = (draws + 63) >>> 6;
        if (keep.length < words) {
            keep = scratch != null ? scratch.longs(words) : new long[words];   // every word read is filled first
        }
    }
}
