package dev.visor.mask;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The data of a {@link MaskContext} under the four built-in keys (valid ranges of queries and keys,
 * token ids, segment ids), with its value semantics: deep equality, hashing, printing and dropping
 * keys. Immutable; the context copies arrays in and out, this class only holds them. A null array means
 * the key is absent.
 */
final class BuiltInData {
    /** The built-in keys, in the order {@link MaskContext#keys()} lists them. */
    static final List<ContextKey<?>> KEYS = List.of(ContextKey.QUERY_VALID_LENGTHS, ContextKey.KEY_VALID_LENGTHS,
            ContextKey.TOKEN_IDS, ContextKey.SEGMENT_IDS);
    static final BuiltInData NONE = new BuiltInData(null, null, null, null, null, null, null);

    final int[] queryValid;      // (batch) absolute positions, or null
    final int[] keyValid;        // (batch), or null
    final int[][] tokenIds;      // (batch, keyLength), or null
    final int[][] querySegments; // (batch, queryLength) indexed by query - offset, or null
    final int[][] keySegments;   // (batch, keyLength), or null
    final int[] queryStart;      // (batch) first valid absolute query, or null: 0
    final int[] keyStart;        // (batch) first valid key, or null: 0

    BuiltInData(int[] queryValid, int[] keyValid, int[][] tokenIds, int[][] querySegments, int[][] keySegments,
                int[] queryStart, int[] keyStart) {
        this.queryValid = queryValid;
        this.keyValid = keyValid;
        this.tokenIds = tokenIds;
        this.querySegments = querySegments;
        this.keySegments = keySegments;
        this.queryStart = queryValid == null ? null : queryStart;
        this.keyStart = keyValid == null ? null : keyStart;
    }

    /** Whether the built-in {@code key} is present (false for every plugin key). */
    boolean has(ContextKey<?> key) {
        if (key.equals(ContextKey.QUERY_VALID_LENGTHS)) return queryValid != null;
        if (key.equals(ContextKey.KEY_VALID_LENGTHS)) return keyValid != null;
        if (key.equals(ContextKey.TOKEN_IDS)) return tokenIds != null;
        if (key.equals(ContextKey.SEGMENT_IDS)) return keySegments != null;
        return false;
    }

    /** This data with only the built-in keys in {@code keep}; the valid starts go with their lengths. */
    BuiltInData retainOnly(Collection<? extends ContextKey<?>> keep) {
        boolean seg = keep.contains(ContextKey.SEGMENT_IDS);
        return new BuiltInData(keep.contains(ContextKey.QUERY_VALID_LENGTHS) ? queryValid : null,
                keep.contains(ContextKey.KEY_VALID_LENGTHS) ? keyValid : null,
                keep.contains(ContextKey.TOKEN_IDS) ? tokenIds : null,
                seg ? querySegments : null, seg ? keySegments : null, queryStart, keyStart);
    }

    /** {@code value}, or an error naming the absent built-in key a strategy forgot to declare. */
    static <T> T present(T value, ContextKey<?> key) {
        if (value == null) {
            throw new IllegalStateException("this context has no " + key.description()
                    + "; a strategy that reads them must declare ContextKey." + key.name().toUpperCase(java.util.Locale.ROOT)
                    + " in needs()");
        }
        return value;
    }

    static int[][] deepCopy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i] == null ? null : a[i].clone();
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BuiltInData c
                && Arrays.equals(queryValid, c.queryValid) && Arrays.equals(keyValid, c.keyValid)
                && Arrays.deepEquals(tokenIds, c.tokenIds)
                && Arrays.deepEquals(querySegments, c.querySegments)
                && Arrays.deepEquals(keySegments, c.keySegments)
                && Arrays.equals(queryStart, c.queryStart) && Arrays.equals(keyStart, c.keyStart);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(queryValid);
        h = 31 * h + Arrays.hashCode(keyValid);
        h = 31 * h + Arrays.deepHashCode(tokenIds);
        h = 31 * h + Arrays.deepHashCode(querySegments);
        h = 31 * h + Arrays.deepHashCode(keySegments);
        return 31 * h + Arrays.hashCode(queryStart) + 7 * Arrays.hashCode(keyStart);
    }

    /** The present fields, each as {@code " name=[...]"}; empty when none is. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (queryValid != null) s.append(" queryValid=").append(Arrays.toString(queryValid));
        if (keyValid != null) s.append(" keyValid=").append(Arrays.toString(keyValid));
        if (queryStart != null) s.append(" queryStart=").append(Arrays.toString(queryStart));
        if (keyStart != null) s.append(" keyStart=").append(Arrays.toString(keyStart));
        if (tokenIds != null) s.append(" tokenIds=").append(Arrays.deepToString(tokenIds));
        if (keySegments != null) {
            s.append(" querySegments=").append(Arrays.deepToString(querySegments))
                    .append(" keySegments=").append(Arrays.deepToString(keySegments));
        }
        return s.toString();
    }
}
