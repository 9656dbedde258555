package dev.visor.mask;

/**
 * The shape of one attention call: batch size, heads, query and key lengths and the absolute
 * position of the first query.
 *
 * <p>Positions are absolute: the queries are positions {@code queryOffset .. queryOffset+queryLength-1}
 * and the keys are positions {@code 0 .. keyLength-1}. In self-attention with a KV cache the offset is
 * the number of cached tokens, so {@code causal} stays right by construction; in cross-attention the
 * offset is usually 0 and queries and keys index two different sequences.
 *
 * <pre>{@code
 * MaskShape decodeStep = new MaskShape(4, 8, 1, 129, 128); // one new token after 128 cached ones
 * }</pre>
 *
 * @param batch number of sequences, at least 1
 * @param heads number of attention heads, at least 1
 * @param queryLength number of queries, at least 1
 * @param keyLength number of keys, at least 1
 * @param queryOffset absolute position of the first query, at least 0
 */
public record MaskShape(int batch, int heads, int queryLength, int keyLength, int queryOffset) {

    /**
     * Checks every field and that {@code queryOffset + queryLength} fits in an int.
     *
     * @param batch number of sequences, at least 1
     * @param heads number of attention heads, at least 1
     * @param queryLength number of queries, at least 1
     * @param keyLength number of keys, at least 1
     * @param queryOffset absolute position of the first query, at least 0
     */
    public MaskShape {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1 but was " + batch);
        if (heads < 1) throw new IllegalArgumentException("heads must be at least 1 but was " + heads);
        if (queryLength < 1) {
            throw new IllegalArgumentException("queryLength must be at least 1 but was " + queryLength);
        }
        if (keyLength < 1) throw new IllegalArgumentException("keyLength must be at least 1 but was " + keyLength);
        if (queryOffset < 0) {
            throw new IllegalArgumentException("queryOffset must be at least 0 but was " + queryOffset);
        }
        if ((long) queryOffset + queryLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("queryOffset + queryLength = " + queryOffset + " + " + queryLength
                    + " overflows an int");
        }
    }

    /**
     * One past the last absolute query position, {@code queryOffset + queryLength}.
     *
     * @return the exclusive end of the query positions
     */
    public int queryEnd() {
        return queryOffset + queryLength;
    }

    /**
     * The number of score elements, {@code batch · heads · queryLength · keyLength}.
     *
     * @return the element count as a long
     */
    public long elements() {
        return (long) batch * heads * queryLength * keyLength;
    }

    @Override
    public String toString() {
        return "(batch " + batch + ", heads " + heads + ", queries " + queryLength + " at offset " + queryOffset
                + ", keys " + keyLength + ")";
    }
}
