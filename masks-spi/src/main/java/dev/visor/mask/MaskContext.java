package dev.visor.mask;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a strategy may read to create a mask for one attention call: the {@link MaskShape} plus
 * optional per-sequence data, each under a typed {@link ContextKey}: the four built-in keys (valid
 * ranges of queries and keys, token ids, segment ids) and any key a plugin declares
 * ({@link Builder#set}, {@link #get}). Immutable; every array is copied in and out.
 *
 * <p><b>Self- versus cross-attention.</b> All positions are absolute (see {@link Mask}). In
 * self-attention the queries are positions {@code offset .. offset+Lq-1} <em>of the key sequence</em>
 * (a KV cache holds positions {@code 0 .. Lk-1}); in cross-attention they index a different sequence.
 * The context stores query-side and key-side data separately, so every mask is defined the same way
 * in both cases, and the builder has one convenience setter per case:
 * <ul>
 *   <li>valid lengths: {@link Builder#validLengths} (self: one length per sequence, applied to keys and
 *       to the absolute query positions) or {@link Builder#queryValidLengths} and
 *       {@link Builder#keyValidLengths} (cross). A query {@code q} is valid iff {@code q < n}. Left
 *       padding: {@link Builder#validRanges} (and the query/key variants) give each sequence a valid
 *       range {@code [start, end)}, so batched generation can left-pad its prompts.</li>
 *   <li>segment ids: {@link Builder#segmentIds(int[][])} (self: one id per key position; the queries
 *       take the ids of positions {@code offset .. offset+Lq-1}) or
 *       {@link Builder#segmentIds(int[][], int[][])} (cross: query ids indexed from the first query).</li>
 *   <li>token ids belong to the keys ({@code token(ids)} selects keys), in both cases.</li>
 * </ul>
 *
 * <pre>{@code
 * // decoding step 129 of a packed batch of two sequences, 8 heads
 * MaskContext ctx = MaskContext.builder(2, 8, 1, 129).queryOffset(128)
 *         .validLengths(129, 77).segmentIds(segments).build();
 * }</pre>
 */
public final class MaskContext {
    private final MaskShape shape;
    private final BuiltInData data;
    private final ContextArrays plugins;

    MaskContext(MaskShape shape, int[] queryValid, int[] keyValid, int[][] tokenIds,
                        int[][] querySegments, int[][] keySegments, int[] queryStart, int[] keyStart, ContextArrays plugins) {
        this(shape, new BuiltInData(queryValid, keyValid, tokenIds, querySegments, keySegments, queryStart, keyStart),
                plugins);
    }

    private MaskContext(MaskShape shape, BuiltInData data, ContextArrays plugins) {
        this.shape = shape;
        this.data = data;
        this.plugins = plugins;
    }

    /**
     * Starts a context for {@code batch} sequences, {@code heads} heads, {@code queryLength} queries
     * and {@code keyLength} keys (query offset 0 unless set).
     *
     * @param batch number of sequences, at least 1
     * @param heads number of heads, at least 1
     * @param queryLength number of queries, at least 1
     * @param keyLength number of keys, at least 1
     * @return a builder
     */
    public static Builder builder(int batch, int heads, int queryLength, int keyLength) {
        return new Builder(batch, heads, queryLength, keyLength);
    }

    /**
     * A context with only a shape (no optional fields).
     *
     * @param shape the shape
     * @return a context that masks needing no optional field can be created from
     */
    public static MaskContext of(MaskShape shape) {
        Objects.requireNonNull(shape, "shape");
        return new MaskContext(shape, BuiltInData.NONE, ContextArrays.NONE);
    }

    /** @return the shape of the call */
    public MaskShape shape() {
        return shape;
    }

    /** @return the number of sequences */
    public int batch() {
        return shape.batch();
    }

    /** @return the number of heads */
    public int heads() {
        return shape.heads();
    }

    /** @return the number of queries */
    public int queryLength() {
        return shape.queryLength();
    }

    /** @return the number of keys */
    public int keyLength() {
        return shape.keyLength();
    }

    /** @return the absolute position of the first query */
    public int queryOffset() {
        return shape.queryOffset();
    }

    /**
     * Whether this context holds the data of a key.
     *
     * @param key a built-in or plugin key
     * @return true if present
     */
    public boolean has(ContextKey<?> key) {
        return key.isBuiltIn() ? data.has(key) : plugins.has(key);
    }

    /** @return the keys this context holds data for, built-in first */
    public Set<ContextKey<?>> keys() {
        Set<ContextKey<?>> present = new LinkedHashSet<>();
        for (ContextKey<?> k : BuiltInData.KEYS) if (data.has(k)) present.add(k);
        present.addAll(plugins.keys());
        return present;
    }

    /**
     * Throws unless this context holds {@code key}; used before creating a mask.
     *
     * @param strategy the name of the strategy that needs the key, for the message
     * @param key the needed key
     * @throws IllegalArgumentException naming the strategy, the key and how to set it
     */
    public void require(String strategy, ContextKey<?> key) {
        if (!has(key)) {
            throw new IllegalArgumentException("mask '" + strategy + "' needs the context key '" + key.name() + "' ("
                    + key.description() + ") but the context does not provide it; set it with " + key.howToSet()
                    + (keys().isEmpty() ? "" : " (the context holds " + keys() + ")"));
        }
    }

    /**
     * The data of a plugin-declared key, copied.
     *
     * @param <T> {@code int[]} or {@code int[][]}
     * @param key a key made by {@link ContextKey#perSequence}, {@link ContextKey#perQuery} or {@link ContextKey#perKey}
     * @return a copy of its values
     * @throws IllegalStateException naming the key when the context does not hold it
     * @throws IllegalArgumentException for a built-in key (they have accessors of their own)
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ContextKey<T> key) {
        if (key.isBuiltIn()) {
            throw new IllegalArgumentException("context key '" + key + "' is built in; read it with its accessor");
        }
        Object v = plugins.get(key);
        if (v == null) {
            throw new IllegalStateException("this context has no '" + key + "' (" + key.description()
                    + "); a strategy that reads it must declare the key in needs()");
        }
        return (T) v;
    }

    /**
     * The first valid query of a sequence (0 unless left-padded): query {@code q} is valid iff
     * {@code queryValidStart(b) <= q < queryValidLength(b)}.
     *
     * @param batch the sequence
     * @return the absolute position of its first valid query
     * @throws IllegalStateException if the context has no {@link ContextKey#QUERY_VALID_LENGTHS}
     */
    public int queryValidStart(int batch) {
        BuiltInData.present(data.queryValid, ContextKey.QUERY_VALID_LENGTHS);
        return data.queryStart == null ? 0 : data.queryStart[batch];
    }

    /**
     * The first valid key of a sequence (0 unless left-padded): key {@code k} is valid iff
     * {@code keyValidStart(b) <= k < keyValidLength(b)}.
     *
     * @param batch the sequence
     * @return its first valid key
     * @throws IllegalStateException if the context has no {@link ContextKey#KEY_VALID_LENGTHS}
     */
    public int keyValidStart(int batch) {
        BuiltInData.present(data.keyValid, ContextKey.KEY_VALID_LENGTHS);
        return data.keyStart == null ? 0 : data.keyStart[batch];
    }

    /**
     * The number of valid query positions of a sequence: query {@code q} (absolute) is valid iff
     * {@code q < queryValidLength(batch)}. In {@code [0, queryOffset + queryLength]}.
     *
     * @param batch the sequence
     * @return the valid length
     * @throws IllegalStateException if the context has no {@link ContextKey#QUERY_VALID_LENGTHS}
     */
    public int queryValidLength(int batch) {
        return BuiltInData.present(data.queryValid, ContextKey.QUERY_VALID_LENGTHS)[batch];
    }

    /**
     * The number of valid key positions of a sequence: key {@code k} is valid iff
     * {@code k < keyValidLength(batch)}. In {@code [0, keyLength]}.
     *
     * @param batch the sequence
     * @return the valid length
     * @throws IllegalStateException if the context has no {@link ContextKey#KEY_VALID_LENGTHS}
     */
    public int keyValidLength(int batch) {
        return BuiltInData.present(data.keyValid, ContextKey.KEY_VALID_LENGTHS)[batch];
    }

    /**
     * The token id at a key position.
     *
     * @param batch the sequence
     * @param key the key position
     * @return the token id
     * @throws IllegalStateException if the context has no {@link ContextKey#TOKEN_IDS}
     */
    public int tokenId(int batch, int key) {
        return BuiltInData.present(data.tokenIds, ContextKey.TOKEN_IDS)[batch][key];
    }

    /**
     * The segment (document) id of an absolute query position.
     *
     * @param batch the sequence
     * @param query the absolute query position, in {@code [queryOffset, queryOffset + queryLength)}
     * @return the segment id
     * @throws IllegalStateException if the context has no {@link ContextKey#SEGMENT_IDS}
     */
    public int querySegment(int batch, int query) {
        return BuiltInData.present(data.querySegments, ContextKey.SEGMENT_IDS)[batch][query - shape.queryOffset()];
    }

    /**
     * The segment (document) id of a key position.
     *
     * @param batch the sequence
     * @param key the key position
     * @return the segment id
     * @throws IllegalStateException if the context has no {@link ContextKey#SEGMENT_IDS}
     */
    public int keySegment(int batch, int key) {
        return BuiltInData.present(data.keySegments, ContextKey.SEGMENT_IDS)[batch][key];
    }

    /** @return a copy of the valid query lengths, one per sequence */
    public int[] queryValidLengths() {
        return BuiltInData.present(data.queryValid, ContextKey.QUERY_VALID_LENGTHS).clone();
    }

    /** @return a copy of the valid key lengths, one per sequence */
    public int[] keyValidLengths() {
        return BuiltInData.present(data.keyValid, ContextKey.KEY_VALID_LENGTHS).clone();
    }

    /** @return a copy of the key token ids, {@code (batch, keyLength)} */
    public int[][] tokenIds() {
        return BuiltInData.deepCopy(BuiltInData.present(data.tokenIds, ContextKey.TOKEN_IDS));
    }

    /** @return a copy of the query segment ids, {@code (batch, queryLength)}, index 0 = first query */
    public int[][] querySegmentIds() {
        return BuiltInData.deepCopy(BuiltInData.present(data.querySegments, ContextKey.SEGMENT_IDS));
    }

    /** @return a copy of the key segment ids, {@code (batch, keyLength)} */
    public int[][] keySegmentIds() {
        return BuiltInData.deepCopy(BuiltInData.present(data.keySegments, ContextKey.SEGMENT_IDS));
    }

    /**
     * This context without some optional fields (the shape stays).
     *
     * @param drop the fields to drop
     * @return a new context
     */
    public MaskContext without(ContextKey<?>... drop) {
        Set<ContextKey<?>> keep = keys();
        for (ContextKey<?> k : drop) keep.remove(k);
        return retainOnly(keep);
    }

    /**
     * This context with only some optional fields (the shape stays).
     *
     * @param keep the fields to keep, where present
     * @return a new context
     */
    public MaskContext retainOnly(Collection<? extends ContextKey<?>> keep) {
        return new MaskContext(shape, data.retainOnly(keep), plugins.retainOnly(keep));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskContext c && shape.equals(c.shape) && data.equals(c.data) && plugins.equals(c.plugins);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * shape.hashCode() + data.hashCode()) + plugins.hashCode();
    }

    @Override
    public String toString() {
        return "MaskContext" + shape + data + plugins;
    }

    /**
     * Builds a {@link MaskContext}, checking every field against the shape when {@link #build()} runs.
     *
     * <pre>{@code
     * MaskContext cross = MaskContext.builder(2, 4, 10, 37)
     *         .queryValidLengths(10, 6).keyValidLengths(37, 20).build();
     * }</pre>
     */
    public static final class Builder {
        private final int batch;
        private final int heads;
        private final int queryLength;
        private final int keyLength;
        private int queryOffset;
        private int[] validLengths;
        private int[] queryValid;
        private int[] keyValid;
        private int[][] tokenIds;
        private int[][] selfSegments;
        private int[][] querySegments;
        private int[][] keySegments;
        private int[] validStarts;
        private int[] queryStarts;
        private int[] keyStarts;
        private final Map<ContextKey<?>, Object> plugins = new LinkedHashMap<>();

        private Builder(int batch, int heads, int queryLength, int keyLength) {
            this.batch = batch;
            this.heads = heads;
            this.queryLength = queryLength;
            this.keyLength = keyLength;
        }

        /**
         * Sets the absolute position of the first query (the number of cached tokens in a KV cache).
         *
         * @param offset at least 0
         * @return this builder
         */
        public Builder queryOffset(int offset) {
            this.queryOffset = offset;
            return this;
        }

        /**
         * Self-attention valid lengths: sequence {@code b} has {@code lengths[b]} real tokens, so keys
         * {@code k >= lengths[b]} are padding and so are absolute queries {@code q >= lengths[b]}.
         * Sets both {@link ContextKey#KEY_VALID_LENGTHS} and {@link ContextKey#QUERY_VALID_LENGTHS}
         * (the latter capped at {@code queryOffset + queryLength}).
         *
         * @param lengths one per sequence, each in {@code [0, keyLength]}
         * @return this builder
         */
        public Builder validLengths(int... lengths) {
            this.validLengths = Objects.requireNonNull(lengths, "lengths").clone();
            return this;
        }

        /**
         * Self-attention valid ranges: sequence {@code b}'s real tokens are positions
         * {@code [starts[b], ends[b])}, so keys and absolute queries outside are padding — left padding
         * when {@code starts[b] > 0} (batched generation), right padding when {@code ends[b] < keyLength}.
         *
         * @param starts one per sequence, each in {@code [0, ends[b]]}
         * @param ends one per sequence, each in {@code [0, keyLength]}
         * @return this builder
         */
        public Builder validRanges(int[] starts, int[] ends) {
            validLengths(ends);
            this.validStarts = Objects.requireNonNull(starts, "starts").clone();
            return this;
        }

        /**
         * Cross-attention (or explicit) valid query ranges {@code [starts[b], ends[b])}, absolute positions.
         *
         * @param starts one per sequence
         * @param ends one per sequence, each in {@code [starts[b], queryOffset + queryLength]}
         * @return this builder
         */
        public Builder queryValidRanges(int[] starts, int[] ends) {
            queryValidLengths(ends);
            this.queryStarts = Objects.requireNonNull(starts, "starts").clone();
            return this;
        }

        /**
         * Cross-attention (or explicit) valid key ranges {@code [starts[b], ends[b])}.
         *
         * @param starts one per sequence
         * @param ends one per sequence, each in {@code [starts[b], keyLength]}
         * @return this builder
         */
        public Builder keyValidRanges(int[] starts, int[] ends) {
            keyValidLengths(ends);
            this.keyStarts = Objects.requireNonNull(starts, "starts").clone();
            return this;
        }

        /**
         * Supplies the data of a plugin-declared key ({@link ContextKey#perSequence},
         * {@link ContextKey#perQuery}, {@link ContextKey#perKey}); checked against the shape by {@link #build()}.
         *
         * @param <T> the value type
         * @param key the key
         * @param value {@code int[batch]} or {@code int[batch][queryLength or keyLength]}
         * @return this builder
         */
        public <T> Builder set(ContextKey<T> key, T value) {
            plugins.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /**
         * Cross-attention (or explicit) valid query lengths, in absolute query positions.
         *
         * @param lengths one per sequence, each in {@code [0, queryOffset + queryLength]}
         * @return this builder
         */
        public Builder queryValidLengths(int... lengths) {
            this.queryValid = Objects.requireNonNull(lengths, "lengths").clone();
            return this;
        }

        /**
         * Cross-attention (or explicit) valid key lengths.
         *
         * @param lengths one per sequence, each in {@code [0, keyLength]}
         * @return this builder
         */
        public Builder keyValidLengths(int... lengths) {
            this.keyValid = Objects.requireNonNull(lengths, "lengths").clone();
            return this;
        }

        /**
         * The token id of every key position (the keys' sequence, whether self- or cross-attention).
         *
         * @param ids {@code (batch, keyLength)}
         * @return this builder
         */
        public Builder tokenIds(int[][] ids) {
            this.tokenIds = BuiltInData.deepCopy(Objects.requireNonNull(ids, "ids"));
            return this;
        }

        /**
         * Self-attention segment ids: one id per position {@code 0 .. keyLength-1}; the queries take
         * the ids of positions {@code queryOffset .. queryOffset+queryLength-1}, which must exist.
         *
         * @param ids {@code (batch, keyLength)}
         * @return this builder
         */
        public Builder segmentIds(int[][] ids) {
            this.selfSegments = BuiltInData.deepCopy(Objects.requireNonNull(ids, "ids"));
            return this;
        }

        /**
         * Cross-attention segment ids: queries and keys belong to different sequences.
         *
         * @param queryIds {@code (batch, queryLength)}, index 0 = the first query
         * @param keyIds {@code (batch, keyLength)}
         * @return this builder
         */
        public Builder segmentIds(int[][] queryIds, int[][] keyIds) {
            this.querySegments = BuiltInData.deepCopy(Objects.requireNonNull(queryIds, "queryIds"));
            this.keySegments = BuiltInData.deepCopy(Objects.requireNonNull(keyIds, "keyIds"));
            return this;
        }

        /**
         * Checks every field against the shape and builds the context.
         *
         * @return the context
         * @throws IllegalArgumentException naming the offending field, index and values
         */
        public MaskContext build() {
            MaskShape shape = new MaskShape(batch, heads, queryLength, keyLength, queryOffset);
            return ContextBuild.build(shape, validLengths, validStarts, queryValid, queryStarts, keyValid, keyStarts, tokenIds,
                    selfSegments, querySegments, keySegments, plugins);
        }
    }
}
