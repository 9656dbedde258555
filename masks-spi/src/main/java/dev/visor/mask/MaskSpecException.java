package dev.visor.mask;

/**
 * The one exception a malformed or unresolvable spec string produces: a syntax error, an unknown
 * mask or parameter name (with a did-you-mean), a value of the wrong type, or a value out of range.
 * It names the column (1-based; 0 when the spec was built in code) and what was expected, and its
 * message ends with the spec (at most 120 characters of it around the column) and a caret under the
 * column. Names and values quoted in reasons are shortened, so a message stays short for any input.
 *
 * <pre>{@code
 * try {
 *     registry.parse("casual & padding");
 * } catch (MaskSpecException e) {
 *     e.column();  // 1
 *     e.reason();  // "unknown mask 'casual' at column 1; did you mean 'causal'? available: [...]"
 * }
 * }</pre>
 */
public final class MaskSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Specs longer than this are quoted in the message as this many characters around the column. */
    static final int EXCERPT = 120;

    /** The message without the caret lines. */
    private final String reason;
    /** The spec text, or null. */
    private final String spec;
    /** The 1-based column, or 0. */
    private final int column;

    /**
     * Creates the exception.
     *
     * @param reason what went wrong and what was expected, including "at column N"
     * @param spec the spec text, or null if unknown
     * @param column the 1-based column, or 0 if unknown
     */
    public MaskSpecException(String reason, String spec, int column) {
        super(message(reason, spec, column));
        this.reason = reason;
        this.spec = spec;
        this.column = column;
    }

    private static String message(String reason, String spec, int column) {
        if (spec == null || column < 1 || column > spec.length() + 1 || spec.indexOf('\n') >= 0) return reason;
        if (spec.length() <= EXCERPT) return reason + "\n  " + spec + "\n  " + " ".repeat(column - 1) + "^";
        // a long spec: quote EXCERPT characters around the column, so the message stays one screen
        int from = Math.max(0, Math.min(column - 1 - EXCERPT / 2, spec.length() - EXCERPT));
        int to = Math.min(spec.length(), from + EXCERPT);
        String head = from > 0 ? "..." : "";
        String excerpt = head + spec.substring(from, to) + (to < spec.length() ? "..." : "");
        return reason + "\n  " + excerpt + "\n  " + " ".repeat(head.length() + column - 1 - from) + "^";
    }

    /** @return the message without the spec and caret lines */
    public String reason() {
        return reason;
    }

    /** @return the spec text, or null if unknown */
    public String spec() {
        return spec;
    }

    /** @return the 1-based column of the error, or 0 if unknown */
    public int column() {
        return column;
    }
}
