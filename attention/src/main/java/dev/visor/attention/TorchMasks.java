package dev.visor.attention;

import java.util.Arrays;
import java.util.Objects;

/**
 * Importers of PyTorch's attention masks into Visor's polarity, where {@code true} means <em>may
 * attend</em>. For import boundaries only (a PyTorch pipeline's inputs); inside Visor masks are specs
 * or {@link TensorMask}s.
 *
 * <p><b>Polarity.</b> PyTorch has two conventions, and this class converts both:
 * <ul>
 *   <li>{@code nn.MultiheadAttention}, {@code nn.Transformer*} and every {@code key_padding_mask}:
 *       a boolean {@code true} means <em>blocked</em> ({@link Api#MULTIHEAD_ATTENTION});</li>
 *   <li>{@code F.scaled_dot_product_attention} (PyTorch 2): a boolean {@code true} means <em>takes
 *       part in attention</em> ({@link Api#SCALED_DOT_PRODUCT}), Visor's polarity.</li>
 * </ul>
 * Additive (float) masks mean the same in both: {@code 0} attends, {@code −∞} is blocked; any other
 * value is a soft bias, not a mask: {@link #attnMask(float[], int[], int)} refuses it naming its
 * position, while {@link #additiveAttnMask} imports it as an {@link AdditiveBias} score modifier.
 *
 * <p><b>Shapes.</b> {@code attn_mask} may be {@code (L, S)} (shared by the batch and heads),
 * {@code (batch·heads, L, S)} (what {@code nn.MultiheadAttention} takes per head; give the number of
 * heads) or {@code (batch, heads, L, S)} with {@code batch} and/or {@code heads} 1 to broadcast (what
 * {@code scaled_dot_product_attention} takes). A {@code key_padding_mask (batch, S)} may pad on the
 * right, on the left or anywhere. Combine the two with {@link TensorMask#and}, as PyTorch does.
 *
 * <p><b>Empty rows.</b> A query that PyTorch blocks from every key gets NaN there; Visor gives a zero
 * output (the mask contract's empty-row rule). The importer does not change which keys are blocked.
 *
 * <pre>{@code
 * TensorMask attn = TorchMasks.attnMask(torchAttnMask, new int[] {B * H, L, S}, H, TorchMasks.Api.MULTIHEAD_ATTENTION);
 * TensorMask pad = TorchMasks.keyPaddingMask(torchKeyPadding, B, S, L);      // true = padding, either side
 * Tensor y = mha.forward(query, key, value, attn.and(pad));
 * }</pre>
 */
public final class TorchMasks {
    private TorchMasks() {}

    /** Which PyTorch API a boolean mask was written for: what its {@code true} means. */
    public enum Api {
        /** {@code nn.MultiheadAttention}, {@code nn.Transformer*}, {@code key_padding_mask}: {@code true} = blocked. */
        MULTIHEAD_ATTENTION,
        /** {@code F.scaled_dot_product_attention}: {@code true} = takes part in attention. */
        SCALED_DOT_PRODUCT
    }

    /**
     * A boolean {@code attn_mask} of 2, 3 or 4 dimensions (see the class comment), row-major.
     *
     * @param values the mask as PyTorch holds it
     * @param shape {@code (L, S)}, {@code (batch·heads, L, S)} or {@code (batch, heads, L, S)}
     * @param heads the heads of the attention it is for (used to split a 3-D mask's first dimension)
     * @param api whose polarity {@code values} has
     * @return the mask, {@code true} = may attend
     * @throws IllegalArgumentException naming the shape when it does not fit
     */
    public static TensorMask attnMask(boolean[] values, int[] shape, int heads, Api api) {
        Objects.requireNonNull(api, "api");
        boolean[] attend = new boolean[Objects.requireNonNull(values, "values").length];
        boolean blockedIsTrue = api == Api.MULTIHEAD_ATTENTION;
        for (int i = 0; i < attend.length; i++) attend[i] = values[i] != blockedIsTrue;
        int[] bhls = fourDims(shape, heads, attend.length);
        return TensorMask.of(bhls[0], bhls[1], bhls[2], bhls[3], attend);
    }

    /**
     * An additive (float) {@code attn_mask} of 2, 3 or 4 dimensions: {@code 0} attends, {@code −∞} is blocked.
     *
     * @param values the mask as PyTorch holds it, row-major
     * @param shape {@code (L, S)}, {@code (batch·heads, L, S)} or {@code (batch, heads, L, S)}
     * @param heads the heads of the attention it is for
     * @return the mask, {@code true} = may attend
     * @throws IllegalArgumentException for a finite non-zero entry (a bias, not a mask), naming its index
     */
    public static TensorMask attnMask(float[] values, int[] shape, int heads) {
        boolean[] attend = additive(values, "attn_mask");
        int[] bhls = fourDims(shape, heads, attend.length);
        return TensorMask.of(bhls[0], bhls[1], bhls[2], bhls[3], attend);
    }

    /**
     * An additive (float) {@code attn_mask} and the key padding it implies, split as Visor applies it:
     * the {@code −∞} entries as a mask, the finite ones as a score modifier.
     *
     * @param mask {@code true} where the entry was finite (may attend)
     * @param bias the finite entries, {@code 0} where the mask blocks
     */
    public record Additive(TensorMask mask, AdditiveBias bias) {}

    /**
     * An additive (float) {@code attn_mask} of 2, 3 or 4 dimensions with any finite values — PyTorch adds
     * it to the scaled scores before the softmax — as a mask ({@code −∞} = blocked) and an
     * {@link AdditiveBias} modifier (every finite value, soft biases included). Give both to
     * {@link Attention#modified}: the result is {@code softmax(QKᵀ·scale + attn_mask) V}, except that a
     * row blocked completely gives zeros, not NaN. {@code +∞} and NaN entries are refused.
     *
     * @param values the mask as PyTorch holds it, row-major
     * @param shape {@code (L, S)}, {@code (batch·heads, L, S)} or {@code (batch, heads, L, S)}
     * @param heads the heads of the attention it is for
     * @return the mask and the bias
     * @throws IllegalArgumentException naming the shape, or the index and value of an entry that is NaN or {@code +∞}
     * @since 0.2
     */
    public static Additive additiveAttnMask(float[] values, int[] shape, int heads) {
        Objects.requireNonNull(values, "values");
        int[] bhls = fourDims(shape, heads, values.length);
        boolean[] attend = new boolean[values.length];
        float[] bias = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            float x = values[i];
            if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("attn_mask element " + i + " is " + x + "; an additive mask holds finite"
                        + " biases and -inf (blocked)");
            }
            attend[i] = x != Float.NEGATIVE_INFINITY;
            bias[i] = attend[i] ? x : 0f;
        }
        return new Additive(TensorMask.of(bhls[0], bhls[1], bhls[2], bhls[3], attend),
                new AdditiveBias(bhls[0], bhls[1], bhls[2], bhls[3], bias));
    }

    /**
     * A 2-D boolean {@code attn_mask (L, S)} with PyTorch's {@code nn.MultiheadAttention} polarity
     * ({@code true} = blocked), e.g. {@code torch.triu(ones(L, S), diagonal=d)} for any {@code d}.
     *
     * @param blocked rows of equal length
     * @return the mask, {@code true} = may attend, shared by the batch and heads
     */
    public static TensorMask attnMask(boolean[][] blocked) {
        int l = blocked.length;
        int s = l == 0 ? 0 : blocked[0].length;
        boolean[] flat = new boolean[l * s];
        for (int i = 0; i < l; i++) {
            if (blocked[i].length != s) {
                throw new IllegalArgumentException("attn_mask row " + i + " has " + blocked[i].length + " entries but row 0 has " + s);
            }
            System.arraycopy(blocked[i], 0, flat, i * s, s);
        }
        return attnMask(flat, new int[] {l, s}, 1, Api.MULTIHEAD_ATTENTION);
    }

    /**
     * A boolean {@code key_padding_mask (batch, S)}, {@code true} = padding, padded on either side or
     * anywhere, as a {@code (batch, 1, L, S)} mask for {@code L} queries.
     *
     * @param padding the mask as PyTorch holds it, row-major
     * @param batch sequences
     * @param keyLength {@code S}
     * @param queryLength {@code L}, the queries it is broadcast over
     * @return the mask, {@code true} = may attend
     */
    public static TensorMask keyPaddingMask(boolean[] padding, int batch, int keyLength, int queryLength) {
        Objects.requireNonNull(padding, "padding");
        if (padding.length != (long) batch * keyLength) {
            throw new IllegalArgumentException("a key_padding_mask of (" + batch + ", " + keyLength + ") has " + batch * keyLength
                    + " entries but got " + padding.length);
        }
        boolean[] attend = new boolean[batch * queryLength * keyLength];
        for (int b = 0; b < batch; b++) {
            for (int q = 0; q < queryLength; q++) {
                for (int k = 0; k < keyLength; k++) attend[(b * queryLength + q) * keyLength + k] = !padding[b * keyLength + k];
            }
        }
        return TensorMask.of(batch, 1, queryLength, keyLength, attend);
    }

    /**
     * An additive (float) {@code key_padding_mask (batch, S)}: {@code −∞} pads, {@code 0} does not.
     *
     * @param padding the mask as PyTorch holds it, row-major
     * @param batch sequences
     * @param keyLength {@code S}
     * @param queryLength {@code L}
     * @return the mask, {@code true} = may attend
     */
    public static TensorMask keyPaddingMask(float[] padding, int batch, int keyLength, int queryLength) {
        boolean[] attend = additive(padding, "key_padding_mask");
        boolean[] pads = new boolean[attend.length];
        for (int i = 0; i < pads.length; i++) pads[i] = !attend[i];
        return keyPaddingMask(pads, batch, keyLength, queryLength);
    }

    private static boolean[] additive(float[] values, String what) {
        boolean[] attend = new boolean[Objects.requireNonNull(values, "values").length];
        for (int i = 0; i < values.length; i++) {
            float x = values[i];
            if (x == Float.NEGATIVE_INFINITY) continue;
            if (x != 0f) {
                throw new IllegalArgumentException(what + " element " + i + " is " + x
                        + ": an additive bias, not a mask; only 0 (attend) and -inf (blocked) convert");
            }
            attend[i] = true;
        }
        return attend;
    }

    /** {@code (batch, heads, L, S)} of a 2-, 3- or 4-dimensional mask shape. */
    private static int[] fourDims(int[] shape, int heads, int elements) {
        Objects.requireNonNull(shape, "shape");
        int[] out = switch (shape.length) {
            case 2 -> new int[] {1, 1, shape[0], shape[1]};
            case 3 -> {
                if (heads < 1 || shape[0] % heads != 0) {
                    throw new IllegalArgumentException("a 3-D attn_mask is (batch·heads, L, S) but its first dimension " + shape[0]
                            + " is not a multiple of heads=" + heads);
                }
                yield new int[] {shape[0] / heads, heads, shape[1], shape[2]};
            }
            case 4 -> shape.clone();
            default -> throw new IllegalArgumentException("attn_mask must have 2, 3 or 4 dimensions but has shape "
                    + Arrays.toString(shape));
        };
        if ((long) out[0] * out[1] * out[2] * out[3] != elements) {
            throw new IllegalArgumentException("attn_mask of shape " + Arrays.toString(shape) + " needs "
                    + (long) out[0] * out[1] * out[2] * out[3] + " values but got " + elements);
        }
        return out;
    }

    /**
     * Valid key lengths from a {@code key_padding_mask (batch, S)} with {@code true} = padding, for the
     * closed-form {@code padding} mask. The padding must be a suffix of each row (right padding); use
     * {@link #keyPaddingMask} for any other layout.
     *
     * @param keyPaddingMask PyTorch's key padding mask (true where a key is padding)
     * @return valid key lengths from a {@code key_padding_mask (batch, S)} with {@code true} = padding
     * @throws IllegalArgumentException if a row has a real key after a padded one
     */
    public static int[] validLengths(boolean[][] keyPaddingMask) {
        int[] lengths = new int[keyPaddingMask.length];
        for (int b = 0; b < keyPaddingMask.length; b++) {
            boolean[] row = keyPaddingMask[b];
            int n = 0;
            while (n < row.length && !row[n]) {
                n++;
            }
            for (int s = n; s < row.length; s++) {
                if (!row[s]) {
                    throw new IllegalArgumentException("key_padding_mask row " + b + " pads position " + n
                            + " but not position " + s + "; only right padding converts to valid lengths");
                }
            }
            lengths[b] = n;
        }
        return lengths;
    }

    /**
     * The spec of a boolean {@code attn_mask (L, S)} with {@code true} = blocked: {@code "full"} when
     * nothing is blocked, {@code "causal"} for the upper triangle above the diagonal
     * ({@code torch.triu(ones(L, S), diagonal=1)}, what {@code generate_square_subsequent_mask} makes).
     *
     * @param attnMask a PyTorch boolean mask {@code (L, S)}, {@code true} where attention is blocked
     * @return {@code "full"} or {@code "causal"}
     * @throws IllegalArgumentException for any other pattern (use {@link #attnMask(boolean[][])} for those)
     */
    public static String spec(boolean[][] attnMask) {
        boolean any = false;
        boolean causal = true;
        for (int i = 0; i < attnMask.length; i++) {
            for (int j = 0; j < attnMask[i].length; j++) {
                any |= attnMask[i][j];
                causal &= attnMask[i][j] == (j > i);
            }
        }
        if (!any) {
            return "full";
        }
        if (causal) {
            return "causal";
        }
        throw new IllegalArgumentException("attn_mask of " + attnMask.length + "×"
                + (attnMask.length == 0 ? 0 : attnMask[0].length)
                + " is neither empty nor causal (triu, diagonal=1); write the pattern as a mask spec instead");
    }

    /**
     * The spec of a float (additive) {@code attn_mask (L, S)} where {@code −∞} blocks and 0 allows,
     * with the same recognised patterns as {@link #spec(boolean[][])}.
     *
     * @param attnMask PyTorch's attention mask
     * @return the spec of a float (additive) {@code attn_mask (L, S)} where {@code −∞} blocks and 0 allows, with the same recognised patterns as {@link #spec(boolean[][])}
     * @throws IllegalArgumentException for finite non-zero entries (soft biases are not masks) or
     *                                  unrecognised patterns
     */
    public static String spec(float[][] attnMask) {
        boolean[][] blocked = new boolean[attnMask.length][];
        for (int i = 0; i < attnMask.length; i++) {
            blocked[i] = new boolean[attnMask[i].length];
            for (int j = 0; j < attnMask[i].length; j++) {
                float x = attnMask[i][j];
                if (x == Float.NEGATIVE_INFINITY) {
                    blocked[i][j] = true;
                } else if (x != 0f) {
                    throw new IllegalArgumentException("attn_mask[" + i + "][" + j + "] = " + x
                            + " is an additive bias, not a mask: only 0 (attend) and -inf (blocked) convert");
                }
            }
        }
        return spec(blocked);
    }
}
