package dev.visor.mask;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A typed key of the optional data in a {@link MaskContext}. Strategies list the keys they read in
 * {@link MaskStrategy#needs()}; creating a mask from a context that lacks one is an error naming the
 * strategy and the key. The four built-in keys have their own builder setters and accessors; a plugin
 * declares keys of its own — an int per sequence, per query or per key — and callers supply them
 * with {@link MaskContext.Builder#set}:
 *
 * <pre>{@code
 * public static final ContextKey<int[][]> MODALITY = ContextKey.perKey("modality_ids", "the modality of every key");
 * public Set<ContextKey<?>> needs() { return Set.of(MODALITY); }
 * public Mask create(MaskArguments a, MaskContext ctx) { return new ModalityMask(ctx.get(MODALITY)); }
 * // caller:
 * MaskContext ctx = MaskContext.builder(2, 8, 64, 64).set(ModalityMask.MODALITY, modalities).build();
 * }</pre>
 *
 * Keys are equal when their names and extents are, so two jars may declare the same key.
 *
 * @param <T> the value type: {@code int[]} per sequence, {@code int[][]} per query or per key
 */
public final class ContextKey<T> {
    /** What a key's values are indexed by. */
    public enum Extent {
        /** One int per sequence: {@code int[batch]}. */
        PER_SEQUENCE,
        /** One int per query of every sequence: {@code int[batch][queryLength]}, index 0 = the first query. */
        PER_QUERY,
        /** One int per key of every sequence: {@code int[batch][keyLength]}. */
        PER_KEY,
        /** Built-in data with its own shape rules (valid ranges, segment ids of both sides). */
        BUILT_IN
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /** Per sequence, the valid query range {@code [start, end)} in absolute positions (right and/or left padding). */
    public static final ContextKey<int[]> QUERY_VALID_LENGTHS = builtIn("query_valid_lengths",
            "per-sequence valid query ranges", "MaskContext.Builder.validLengths/validRanges or queryValidLengths/queryValidRanges");
    /** Per sequence, the valid key range {@code [start, end)} (right and/or left padding). */
    public static final ContextKey<int[]> KEY_VALID_LENGTHS = builtIn("key_valid_lengths",
            "per-sequence valid key ranges", "MaskContext.Builder.validLengths/validRanges or keyValidLengths/keyValidRanges");
    /** The token id of every key position of every sequence. */
    public static final ContextKey<int[][]> TOKEN_IDS = builtIn("token_ids", "token ids of the keys",
            "MaskContext.Builder.tokenIds(...)");
    /** The segment (document) id of every query and every key position of every sequence. */
    public static final ContextKey<int[][]> SEGMENT_IDS = builtIn("segment_ids", "segment (document) ids of queries and keys",
            "MaskContext.Builder.segmentIds(...)");

    private final String name;
    private final Extent extent;
    private final String description;
    private final String howToSet;

    private ContextKey(String name, Extent extent, String description, String howToSet) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("context key name '" + name + "' must be lower snake case ([a-z][a-z0-9_]*)");
        }
        this.name = name;
        this.extent = extent;
        this.description = Objects.requireNonNull(description, "description");
        this.howToSet = howToSet;
    }

    private static <T> ContextKey<T> builtIn(String name, String description, String howToSet) {
        return new ContextKey<>(name, Extent.BUILT_IN, description, howToSet);
    }

    /**
     * A key holding one int per sequence.
     *
     * @param name lower snake case, e.g. {@code image_grid_width}
     * @param description a short phrase for error messages
     * @return the key
     */
    public static ContextKey<int[]> perSequence(String name, String description) {
        return new ContextKey<>(name, Extent.PER_SEQUENCE, description, null);
    }

    /**
     * A key holding one int per query of every sequence.
     *
     * @param name lower snake case
     * @param description a short phrase for error messages
     * @return the key
     */
    public static ContextKey<int[][]> perQuery(String name, String description) {
        return new ContextKey<>(name, Extent.PER_QUERY, description, null);
    }

    /**
     * A key holding one int per key position of every sequence, e.g. modality ids or per-token flags.
     *
     * @param name lower snake case
     * @param description a short phrase for error messages
     * @return the key
     */
    public static ContextKey<int[][]> perKey(String name, String description) {
        return new ContextKey<>(name, Extent.PER_KEY, description, null);
    }

    /** @return the key's name, e.g. {@code key_valid_lengths} */
    public String name() {
        return name;
    }

    /** @return what the values are indexed by */
    public Extent extent() {
        return extent;
    }

    /** @return a short description for messages */
    public String description() {
        return description;
    }

    /** @return how a caller supplies the key, for error messages */
    public String howToSet() {
        return howToSet != null ? howToSet : "MaskContext.Builder.set(key '" + name + "', ...)";
    }

    /** @return whether this is one of the four built-in keys */
    public boolean isBuiltIn() {
        return extent == Extent.BUILT_IN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContextKey<?> k && k.name.equals(name) && k.extent == extent;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + extent.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
