package dev.visor.attention;

/**
 * Converters from PyTorch's mask conventions — where {@code true} (or {@code −∞}) means
 * <em>blocked</em> — to Visor's, where a mask says what may be attended. For import boundaries
 * only (loading a PyTorch pipeline's inputs); inside Visor masks are spec strings.
 *
 * <pre>{@code
 * // torch: key_padding_mask[b][s] == True  ⇔  key s of sequence b is padding
 * MaskInputs in = MaskInputs.none().withKeyValidLengths(TorchMasks.validLengths(keyPaddingMask));
 * Tensor y = mha.forward(x, x, x, TorchMasks.spec(attnMask) + " & padding", in);
 * }</pre>
 */
public final class TorchMasks {
    private TorchMasks() {}

    /**
     * Valid key lengths from a {@code key_padding_mask (batch, S)} with {@code true} = padding. The
     * padding must be a suffix of each row (right padding), which Visor's {@code padding} mask expresses.
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
     * @param attnMask PyTorch's attention mask
     * @return the spec of a boolean {@code attn_mask (L, S)} with {@code true} = blocked: {@code "full"} when nothing is blocked, {@code "causal"} for the upper triangle above the diagonal ({@code torch.triu(ones(L, S), diagonal=1)}, what {@code generate_square_subsequent_mask} makes)
     * @throws IllegalArgumentException for any other pattern, naming a position that differs
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
