package dev.visor.attention;

/**
 * The element predicate of an attention mask as the kernels see it: {@code true} means query
 * {@code q} may attend key {@code k} in batch {@code b} and head {@code h}.
 *
 * <p>Positions are the row indices of one kernel call ({@code 0 ≤ q < Lq}, {@code 0 ≤ k < Lk}); an
 * adapter over a mask with absolute positions (a KV cache whose queries start at offset {@code o})
 * adds the offset. Masked keys are excluded from the softmax: they get weight exactly 0 and are
 * never represented by a finite sentinel score.
 *
 * <pre>{@code
 * ElementMask causal = (b, h, q, k) -> k <= q;
 * }</pre>
 */
@FunctionalInterface
public interface ElementMask {
    /**
     * True when query {@code q} may attend key {@code k} in batch {@code b}, head {@code h}.
     *
     * @param b the batch entry
     * @param h the head
     * @param q the query position
     * @param k the key position
     * @return true when query {@code q} may attend key {@code k} in batch {@code b}, head {@code h}
     */
    boolean attends(int b, int h, int q, int k);

    /**
     * The predicate of a mask-module {@link dev.visor.mask.Mask} (absolute positions) for a call
     * whose first query is absolute position {@code queryOffset}.
     *
     * @param mask the mask
     * @param queryOffset the absolute position of the first query
     * @return the predicate of a mask-module {@link dev.visor.mask.Mask} (absolute positions) for a call whose first query is absolute position {@code queryOffset}
     */
    static ElementMask of(dev.visor.mask.Mask mask, int queryOffset) {
        java.util.Objects.requireNonNull(mask, "mask");
        return (b, h, q, k) -> mask.attends(b, h, queryOffset + q, k);
    }
}
