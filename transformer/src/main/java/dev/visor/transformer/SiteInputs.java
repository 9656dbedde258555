package dev.visor.transformer;

import dev.visor.attention.MaskInputs;

/**
 * The mask inputs of each attention site for a batch: valid lengths (for {@code padding}), token ids
 * of the keys (for {@code token(ids)}) and segment ids (for {@code document}) when the batch has them.
 *
 * <pre>{@code
 * MaskInputs enc = SiteInputs.self(src);             // encoder self-attention
 * MaskInputs cross = SiteInputs.cross(tgt, src);     // decoder attention over the memory
 * }</pre>
 */
public final class SiteInputs {
    private SiteInputs() {}

    /**
     * Self-attention over {@code tokens}: keys and queries are its positions.
     *
     * @param tokens the token ids
     * @return self-attention over {@code tokens}: keys and queries are its positions
     */
    public static MaskInputs self(TokenBatch tokens) {
        MaskInputs in = MaskInputs.none().withValidLengths(tokens.validLengths()).withTokenIds(tokens.rows());
        int[][] seg = tokens.segmentIds();
        return seg == null ? in : in.withSegmentIds(seg);
    }

    /**
     * Attention from {@code queries} (the target) over {@code keys} (the source).
     *
     * @param queries the queries
     * @param keys the keys
     * @return attention from {@code queries} (the target) over {@code keys} (the source)
     */
    public static MaskInputs cross(TokenBatch queries, TokenBatch keys) {
        if (queries.batch() != keys.batch()) {
            throw new IllegalArgumentException("target batch " + queries.batch() + " and source batch " + keys.batch() + " differ");
        }
        MaskInputs in = MaskInputs.none().withQueryValidLengths(queries.validLengths()).withKeyValidLengths(keys.validLengths())
                .withTokenIds(keys.rows());
        int[][] qs = queries.segmentIds();
        int[][] ks = keys.segmentIds();
        return qs != null && ks != null ? in.withSegmentIds(qs, ks) : in;
    }
}
