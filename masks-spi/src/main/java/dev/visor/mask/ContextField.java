package dev.visor.mask;

/**
 * The optional fields of a {@link MaskContext}. The shape (batch, heads, lengths, offset) is always
 * present; a strategy lists the optional fields it reads in {@link MaskStrategy#needs()}, and creating
 * a mask from a context that lacks one is an error naming the strategy and the field.
 *
 * <pre>{@code
 * public Set<ContextField> needs() { return EnumSet.of(ContextField.KEY_VALID_LENGTHS); }
 * }</pre>
 */
public enum ContextField {
    /** Per-sequence number of valid query positions, in absolute positions ({@code q < n} is valid). */
    QUERY_VALID_LENGTHS("per-sequence valid query lengths",
            "MaskContext.Builder.queryValidLengths(...) or validLengths(...)"),
    /** Per-sequence number of valid key positions ({@code k < n} is valid). */
    KEY_VALID_LENGTHS("per-sequence valid key lengths",
            "MaskContext.Builder.keyValidLengths(...) or validLengths(...)"),
    /** The token id of every key position of every sequence. */
    TOKEN_IDS("token ids of the keys", "MaskContext.Builder.tokenIds(...)"),
    /** The segment (document) id of every query and every key position of every sequence. */
    SEGMENT_IDS("segment (document) ids of queries and keys", "MaskContext.Builder.segmentIds(...)");

    private final String description;
    private final String howToSet;

    ContextField(String description, String howToSet) {
        this.description = description;
        this.howToSet = howToSet;
    }

    /**
     * A short human description, e.g. "per-sequence valid key lengths".
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * The builder method that sets this field, for error messages.
     *
     * @return e.g. "MaskContext.Builder.tokenIds(...)"
     */
    public String howToSet() {
        return howToSet;
    }
}
