package dev.visor.attention;

import java.util.Locale;
import java.util.Objects;

/**
 * Rotary position embeddings (Su et al. 2021, RoFormer): a rotation of query and key vectors by
 * angles proportional to their absolute position, applied once per q/k vector (not per score), so
 * {@code q_m · k_n} depends on {@code m − n} only. Not a score modifier.
 *
 * <p>Of a head vector of {@code D} features the first {@code R = 2⌊fraction·D/2⌋} rotate (GPT-NeoX's
 * {@code rotary_pct}); the rest pass through. Pair {@code i < R/2} turns by
 * {@code angle = position · θ^(−2i/R)}, in float32 as PyTorch computes it:
 * <pre>
 *   HALF        (Llama, GPT-NeoX): pairs (x_i, x_{i+R/2})
 *   INTERLEAVED (GPT-J):           pairs (x_{2i}, x_{2i+1})
 *   (a, b) → (a·cos − b·sin, b·cos + a·sin)
 * </pre>
 * A rotation is orthogonal, so the gradient of {@link #rotate} is {@link #rotateBack} of the gradient.
 * Decoding with a cache must rotate each new query and key at its absolute position, never again.
 *
 * <pre>{@code
 * Rope rope = new Rope(10_000, 1.0, Rope.Layout.HALF);   // "rope(theta=10000.0, fraction=1.0, layout=\"half\")"
 * rope.rotate(q, 0, 64, position);                          // one head vector, in place
 * }</pre>
 *
 * <p>Not yet applied by {@code MultiHeadAttention} or the KV cache.
 *
 * @param theta the base, greater than 1 (10000 in Llama 2, 500000 in Llama 3)
 * @param fraction the share of features that rotate, in (0, 1]
 * @param layout which features pair up
 * @since 0.2
 */
public record Rope(double theta, double fraction, Layout layout) {

    /** Which features form the rotated pairs. */
    public enum Layout {
        /** {@code (x_i, x_{i+R/2})}: Llama, GPT-NeoX, Hugging Face's {@code rotate_half}. */
        HALF,
        /** {@code (x_{2i}, x_{2i+1})}: GPT-J, the RoFormer paper. */
        INTERLEAVED
    }

    /**
     * Checks the values.
     *
     * @param theta the base, finite and greater than 1
     * @param fraction the share of features that rotate, in (0, 1]
     * @param layout which features pair up, not null
     */
    public Rope {
        Objects.requireNonNull(layout, "layout");
        if (!(theta > 1) || !Double.isFinite(theta)) {
            throw new IllegalArgumentException("rope theta must be a finite number greater than 1 but was " + theta);
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("rope fraction must be in (0, 1] but was " + fraction);
        }
    }

    /**
     * The number of rotated features of a head vector.
     *
     * @param headDim the head's features
     * @return {@code 2⌊fraction · headDim / 2⌋}
     * @throws IllegalArgumentException if no pair would rotate
     */
    public int rotaryDims(int headDim) {
        int r = (int) (fraction * headDim) / 2 * 2;
        if (r < 2) {
            throw new IllegalArgumentException("rope with fraction " + fraction + " rotates no pair of a head of "
                    + headDim + " features");
        }
        return r;
    }

    /**
     * Rotates one head vector in place to an absolute position.
     *
     * @param x the array
     * @param offset where the vector starts
     * @param headDim its features
     * @param position its absolute position, at least 0
     */
    public void rotate(float[] x, int offset, int headDim, int position) {
        turn(x, offset, headDim, position, 1f);
    }

    /**
     * The inverse rotation, which is also the backward pass of {@link #rotate}: applied to
     * {@code ∂L/∂rotated} it gives {@code ∂L/∂x}.
     *
     * @param x the array
     * @param offset where the vector starts
     * @param headDim its features
     * @param position its absolute position
     */
    public void rotateBack(float[] x, int offset, int headDim, int position) {
        turn(x, offset, headDim, position, -1f);
    }

    private void turn(float[] x, int offset, int headDim, int position, float sign) {
        if (position < 0) throw new IllegalArgumentException("rope position must be at least 0 but was " + position);
        if (offset < 0 || offset + headDim > x.length) {
            throw new IllegalArgumentException("head vector [" + offset + ", " + (offset + headDim)
                    + ") is outside an array of " + x.length);
        }
        int r = rotaryDims(headDim);
        int half = r / 2;
        for (int i = 0; i < half; i++) {
            // float32 as torch: inv_freq = 1 / theta^(2i/R), angle = position * inv_freq
            float invFreq = (float) (1.0 / (float) Math.pow(theta, (float) (2 * i) / r));
            float angle = (float) position * invFreq;
            float cos = (float) Math.cos(angle);
            float sin = sign * (float) Math.sin(angle);
            int a = offset + (layout == Layout.HALF ? i : 2 * i);
            int b = layout == Layout.HALF ? a + half : a + 1;
            float xa = x[a];
            float xb = x[b];
            x[a] = xa * cos - xb * sin;
            x[b] = xb * cos + xa * sin;
        }
    }

    /**
     * The canonical spec, every parameter printed.
     *
     * @return e.g. {@code rope(theta=10000.0, fraction=1.0, layout="half")}
     */
    public String spec() {
        return "rope(theta=" + theta + ", fraction=" + fraction + ", layout=\"" + layout.name().toLowerCase(Locale.ROOT)
                + "\")";
    }
}
