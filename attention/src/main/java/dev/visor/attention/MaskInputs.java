package dev.visor.attention;

import dev.visor.mask.MaskContext;
import java.util.Arrays;

/**
 * The per-batch data an attention call's mask may read — valid lengths, token ids, segment
 * (document) ids — without the shape, which the attention layer knows. Immutable; each
 * {@code with…} returns a copy. Turned into a mask-module {@link MaskContext} for one call by
 * {@link #context}.
 *
 * <pre>{@code
 * MaskInputs in = MaskInputs.none().withValidLengths(7, 5);            // self-attention, 2 sequences
 * Tensor y = selfAttn.forward(x, x, x, "causal & padding", in);
 * Tensor z = crossAttn.forward(y, memory, memory, "padding", MaskInputs.none().withKeyValidLengths(9, 4));
 * }</pre>
 */
public final class MaskInputs {
    private static final MaskInputs NONE = new MaskInputs(null, null, null, null, null, null, null, null);

    private final int[] validLengths;
    private final int[] queryValidLengths;
    private final int[] keyValidLengths;
    private final int[][] tokenIds;
    private final int[][] segmentIds;
    private final int[][] querySegmentIds;
    private final int[][] keySegmentIds;
    private final int[] validStarts;     // (batch) first valid position (left padding), or null

    private MaskInputs(int[] validLengths, int[] queryValidLengths, int[] keyValidLengths, int[][] tokenIds,
                       int[][] segmentIds, int[][] querySegmentIds, int[][] keySegmentIds, int[] validStarts) {
        this.validStarts = validStarts;
        this.validLengths = validLengths;
        this.queryValidLengths = queryValidLengths;
        this.keyValidLengths = keyValidLengths;
        this.tokenIds = tokenIds;
        this.segmentIds = segmentIds;
        this.querySegmentIds = querySegmentIds;
        this.keySegmentIds = keySegmentIds;
    }

    /**
     * No data: enough for masks such as {@code causal} or {@code sliding_window(left=128)}.
     *
     * @return no data: enough for masks such as {@code causal} or {@code sliding_window(left=128)}
     */
    public static MaskInputs none() {
        return NONE;
    }

    /**
     * Self-attention valid lengths, one per sequence: keys and (absolute) queries at or past the
     * length are padding ({@code padding}, {@code query_padding}).
     *
     * @param lengths the valid length of every sequence
     * @return self-attention valid lengths, one per sequence: keys and (absolute) queries at or past the length are padding ({@code padding}, {@code query_padding})
     */
    public MaskInputs withValidLengths(int... lengths) {
        return new MaskInputs(lengths.clone(), queryValidLengths, keyValidLengths, tokenIds, segmentIds,
                querySegmentIds, keySegmentIds, null);
    }

    /**
     * Self-attention valid ranges {@code [starts[b], ends[b])}: left padding (batched generation) as
     * well as right padding; keys and absolute queries outside are padding.
     *
     * @param starts the first valid position of each sequence, one per sequence, each at most {@code ends[b]}
     * @param ends one past the last valid position of each sequence, one per sequence
     * @return a copy of these inputs with the self-attention valid ranges set (replacing earlier self-attention valid lengths)
     */
    public MaskInputs withValidRanges(int[] starts, int[] ends) {
        return new MaskInputs(ends.clone(), queryValidLengths, keyValidLengths, tokenIds, segmentIds, querySegmentIds,
                keySegmentIds, starts.clone());
    }

    /**
     * Cross-attention (or explicit) valid query lengths, in absolute query positions.
     *
     * @param lengths the valid length of every sequence
     * @return cross-attention (or explicit) valid query lengths, in absolute query positions
     */
    public MaskInputs withQueryValidLengths(int... lengths) {
        return new MaskInputs(validLengths, lengths.clone(), keyValidLengths, tokenIds, segmentIds, querySegmentIds,
                keySegmentIds, validStarts);
    }

    /**
     * Cross-attention (or explicit) valid key lengths.
     *
     * @param lengths the valid length of every sequence
     * @return cross-attention (or explicit) valid key lengths
     */
    public MaskInputs withKeyValidLengths(int... lengths) {
        return new MaskInputs(validLengths, queryValidLengths, lengths.clone(), tokenIds, segmentIds, querySegmentIds,
                keySegmentIds, validStarts);
    }

    /**
     * The token id of every key position, {@code (batch, keyLength)} (for {@code token(ids)}).
     *
     * @param ids the token ids
     * @return the token id of every key position, {@code (batch, keyLength)} (for {@code token(ids)})
     */
    public MaskInputs withTokenIds(int[][] ids) {
        return new MaskInputs(validLengths, queryValidLengths, keyValidLengths, deepCopy(ids), segmentIds,
                querySegmentIds, keySegmentIds, validStarts);
    }

    /**
     * Self-attention segment (document) ids, one per key position {@code (batch, keyLength)}; queries
     * take the ids of their absolute positions.
     *
     * @param ids the token ids
     * @return self-attention segment (document) ids, one per key position {@code (batch, keyLength)}; queries take the ids of their absolute positions
     */
    public MaskInputs withSegmentIds(int[][] ids) {
        return new MaskInputs(validLengths, queryValidLengths, keyValidLengths, tokenIds, deepCopy(ids), querySegmentIds,
                keySegmentIds, validStarts);
    }

    /**
     * Cross-attention segment ids: {@code (batch, queryLength)} and {@code (batch, keyLength)}.
     *
     * @param queryIds the token id of every query
     * @param keyIds the token id of every key
     * @return cross-attention segment ids: {@code (batch, queryLength)} and {@code (batch, keyLength)}
     */
    public MaskInputs withSegmentIds(int[][] queryIds, int[][] keyIds) {
        return new MaskInputs(validLengths, queryValidLengths, keyValidLengths, tokenIds, segmentIds, deepCopy(queryIds),
                deepCopy(keyIds), validStarts);
    }

    /**
     * The mask context of one call.
     *
     * @param batch the batch size
     * @param heads the number of (query) heads
     * @param queryLength the number of queries
     * @param keyLength the number of keys
     * @param queryOffset the absolute position of the first query
     * @return the mask context of one call
     * @throws IllegalArgumentException if the data does not fit the shape (the mask module names the field)
     */
    public MaskContext context(int batch, int heads, int queryLength, int keyLength, int queryOffset) {
        MaskContext.Builder b = MaskContext.builder(batch, heads, queryLength, keyLength).queryOffset(queryOffset);
        if (validLengths != null && validStarts != null) {
            b.validRanges(validStarts, validLengths);
        } else if (validLengths != null) {
            b.validLengths(validLengths);
        }
        if (queryValidLengths != null) {
            b.queryValidLengths(queryValidLengths);
        }
        if (keyValidLengths != null) {
            b.keyValidLengths(keyValidLengths);
        }
        if (tokenIds != null) {
            b.tokenIds(tokenIds);
        }
        if (segmentIds != null) {
            b.segmentIds(segmentIds);
        }
        if (querySegmentIds != null) {
            b.segmentIds(querySegmentIds, keySegmentIds);
        }
        return b.build();
    }

    private static int[][] deepCopy(int[][] ids) {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i].clone();
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MaskInputs[");
        if (validLengths != null) {
            sb.append("validLengths=").append(Arrays.toString(validLengths)).append(' ');
        }
        if (queryValidLengths != null) {
            sb.append("queryValidLengths=").append(Arrays.toString(queryValidLengths)).append(' ');
        }
        if (keyValidLengths != null) {
            sb.append("keyValidLengths=").append(Arrays.toString(keyValidLengths)).append(' ');
        }
        if (tokenIds != null) {
            sb.append("tokenIds ");
        }
        if (segmentIds != null || querySegmentIds != null) {
            sb.append("segmentIds ");
        }
        return sb.toString().trim() + "]";
    }
}
