package dev.visor.tensor.io;

/**
 * Thrown by {@link Json#parse(CharSequence)} when the text is not one well-formed JSON value. The
 * message reads {@code "line 3, column 7: expected ',' or '}' after an object member but found 'x'"}
 * (prefixed by the file name, {@code "config.json: line 3, ..."}, when {@link Json#readObject} read
 * it from a file); the parts are also available as {@link #source()}, {@link #line()},
 * {@link #column()}, {@link #offset()} and {@link #reason()}.
 *
 * <p>Lines and columns are 1-based. A line ends at {@code \n}, {@code \r\n} or a lone {@code \r};
 * columns count UTF-16 code units (a character outside the Basic Multilingual Plane counts two).
 */
public final class JsonParseException extends IllegalArgumentException {
    private final String source;
    private final int line;
    private final int column;
    private final int offset;
    private final String reason;

    JsonParseException(String source, int line, int column, int offset, String reason) {
        super((source == null ? "" : source + ": ") + "line " + line + ", column " + column + ": " + reason);
        this.source = source;
        this.line = line;
        this.column = column;
        this.offset = offset;
        this.reason = reason;
    }

    /** The same error attributed to {@code source} (a file name). */
    JsonParseException inFile(String source) {
        JsonParseException e = new JsonParseException(source, line, column, offset, reason);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The file the text came from, or {@code null} when the text was parsed from a string. */
    public String source() {
        return source;
    }

    /** The 1-based line of the offending character. */
    public int line() {
        return line;
    }

    /** The 1-based column of the offending character. */
    public int column() {
        return column;
    }

    /** The 0-based index of the offending character in the text (the text's length at end of input). */
    public int offset() {
        return offset;
    }

    /** What was wrong, without the position: {@code "expected a value but found ']'"}. */
    public String reason() {
        return reason;
    }
}
