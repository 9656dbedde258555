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
 * <p>{@code MultiHeadAttention} applies it when its score spec starts with {@code rope(...)} (see
 * {@link AttentionScores}); its KV cache then holds keys already rotated at their absolute positions.
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

    /**
     * The cosines and sines of positions {@code start .. start + seq − 1}, {@code half} pairs each,
     * row-major by position: computed once and shared by every head, sequence, q and k of a call.
     *
     * @param start the first position
     * @param seq the number of positions
     * @param half the rotated pairs of a head vector, {@code rotaryDims(headDim) / 2}
     * @param cos {@code seq × half} cosines
     * @param sin {@code seq × half} sines
     */
    public record Angles(int start, int seq, int half, float[] cos, float[] sin) {}

    /**
     * The angles of positions {@code start .. start + seq − 1} for head vectors of {@code headDim},
     * equal bit for bit to those {@link #rotate(float[], int, int, int)} uses.
     *
     * @param headDim the features of a head vector
     * @param start the first position, at least 0
     * @param seq the number of positions, at least 1
     * @return the table
     */
    public Angles angles(int headDim, int start, int seq) {
        if (seq < 1 || start < 0) {
            throw new IllegalArgumentException("rope angles need at least 1 position from position 0 or later but got "
                    + seq + " from " + start);
        }
        int r = rotaryDims(headDim);
        int half = r / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) invFreq[i] = invFreq(i, r);
        float[] cos = new float[seq * half];
        float[] sin = new float[seq * half];
        for (int p = 0; p < seq; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) (start + p) * invFreq[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new Angles(start, seq, half, cos, sin);
    }

    /**
     * Rotates (or, with {@code inverse}, rotates back) {@code rows} consecutive head vectors of
     * {@code headDim} floats in place, row {@code r} to position {@code start + r % seq}: the layout of a
     * contiguous {@code (batch, heads, seq, headDim)} block whose sequence starts at {@code start}.
     *
     * @param x the array, {@code rows · headDim} floats from index 0
     * @param rows the number of head vectors, a multiple of {@code seq}
     * @param seq the positions per (batch, head) block, at least 1
     * @param headDim the features of a vector
     * @param start the absolute position of each block's first row, at least 0
     * @param inverse whether to rotate back (the backward pass)
     */
    public void rotate(float[] x, int rows, int seq, int headDim, int start, boolean inverse) {
        rotate(x, rows, headDim, angles(headDim, start, seq), inverse);
    }

    /**
     * As {@link #rotate(float[], int, int, int, int, boolean)} with angles computed beforehand
     * ({@code angles.seq()} positions per block).
     *
     * @param x the array, {@code rows · headDim} floats from index 0
     * @param rows the number of head vectors, a multiple of {@code angles.seq()}
     * @param headDim the features of a vector
     * @param angles the table of the block's positions, for this {@code headDim}
     * @param inverse whether to rotate back (the backward pass)
     */
    public void rotate(float[] x, int rows, int headDim, Angles angles, boolean inverse) {
        int seq = angles.seq();
        if (rows % seq != 0 || (long) rows * headDim > x.length || angles.half() != rotaryDims(headDim) / 2) {
            throw new IllegalArgumentException("cannot rotate " + rows + " rows of " + headDim + " features in blocks of "
                    + seq + " with " + angles.half() + " pairs in an array of " + x.length);
        }
        float sign = inverse ? -1f : 1f;
        for (int row = 0; row < rows; row++) {
            turn(x, row * headDim, angles.half(), angles.cos(), angles.sin(), (row % seq) * angles.half(), sign);
        }
    }

    private void turn(float[] x, int offset, int headDim, int position, float sign) {
        if (position < 0) throw new IllegalArgumentException("rope position must be at least 0 but was " + position);
        if (offset < 0 || offset + headDim > x.length) {
            throw new IllegalArgumentException("head vector [" + offset + ", " + (offset + headDim)
                    + ") is outside an array of " + x.length);
        }
        int r = rotaryDims(headDim);
        int half = r / 2;
        float[] cos = new float[half];
        float[] sin = new float[half];
        for (int i = 0; i < half; i++) {
            float angle = (float) position * invFreq(i, r);
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
        turn(x, offset, half, cos, sin, 0, sign);
    }

    /** float32 as torch: {@code inv_freq = 1 / theta^(2i/R)} (the angle is {@code position · inv_freq}). */
    private float invFreq(int i, int r) {
        return (float) (1.0 / (float) Math.pow(theta, (float) (2 * i) / r));
    }

    private void turn(float[] x, int offset, int half, float[] cos, float[] sin, int at, float sign) {
        for (int i = 0; i < half; i++) {
            int a = offset + (layout == Layout.HALF ? i : 2 * i);
            int b = layout == Layout.HALF ? a + half : a + 1;
            float c = cos[at + i];
            float sn = sign * sin[at + i];
            float xa = x[a];
            float xb = x[b];
            x[a] = xa * c - xb * sn;
            x[b] = xb * c + xa * sn;
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
