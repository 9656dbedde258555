package dev.visor.tensor.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer for configuration files and safetensors headers.
 *
 * <p><b>Reading</b> maps JSON to plain Java values:
 * <ul>
 *   <li>object → {@link java.util.LinkedHashMap}{@code <String, Object>} in document order; a duplicate
 *       key is an error;</li>
 *   <li>array → {@link java.util.ArrayList}{@code <Object>};</li>
 *   <li>string → {@link String}; every escape is decoded, {@code \\uD83D\\uDE00} pairs become one
 *       code point, and an unpaired surrogate (escaped or raw) is an error;</li>
 *   <li>number without fraction or exponent → {@link Long}, or {@link java.math.BigInteger} when it
 *       does not fit in 64 bits; any other number → {@link Double} (correctly rounded; a value beyond
 *       the double range is an error, one below it reads as zero); literals longer than 1000
 *       characters are rejected;</li>
 *   <li>{@code true}/{@code false} → {@link Boolean}; {@code null} → {@code null}.</li>
 * </ul>
 * Nothing else is accepted: no comments, trailing commas, single quotes, leading zeros, {@code NaN},
 * raw control characters in strings, or text after the value (a leading byte order mark is
 * skipped). Nesting is limited to {@value #MAX_DEPTH} arrays and objects so that hostile input cannot
 * exhaust the stack. Every error is a {@link JsonParseException} naming the line, column and what was
 * expected.
 *
 * <p><b>Writing</b> accepts the values above plus {@link Integer}, {@link Short}, {@link Byte},
 * {@link Float}, {@link java.math.BigDecimal}, any {@link Map} with {@code String} keys, any
 * {@link java.util.Collection} and any array. Output is deterministic: members in the map's
 * iteration order (use a {@code LinkedHashMap} or {@code TreeMap}), no whitespace in compact form,
 * two-space indentation in pretty form, and each double as the shortest decimal that reads back to
 * the same bits (always with a {@code '.'} or exponent, so it reads back as a {@code Double}; the same
 * text on every JDK). A {@code Float} is written as the shortest decimal that reads back to the same
 * float. Non-ASCII characters are written as they are; control characters are escaped. NaN,
 * infinities and unpaired surrogates cannot be written and throw {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * Map<String, Object> config = Json.parseObject(Files.readString(path));
 * long dModel = (Long) config.get("d_model");
 * String text = Json.writePretty(Map.of("d_model", 512, "dropout", 0.1));
 * // {
 * //   "d_model": 512,
 * //   "dropout": 0.1
 * // }
 * }</pre>
 */
public final class Json {
    /** The deepest nesting of arrays and objects that {@link #parse} and {@link #write} accept. */
    public static final int MAX_DEPTH = 256;

    private Json() {}

    /**
     * Parses one JSON value.
     *
     * @throws JsonParseException naming the line, column and problem when {@code text} is not exactly
     *                            one well-formed JSON value (surrounding whitespace allowed)
     */
    public static Object parse(CharSequence text) {
        return new JsonParser(text, MAX_DEPTH).parseDocument();
    }

    /**
     * Parses a JSON object.
     *
     * @throws JsonParseException when the text is malformed or its value is not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(CharSequence text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            int at = 0;
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            throw new JsonParser(text, MAX_DEPTH).errorAt(at, "expected a JSON object but found " + kind(value));
        }
        return (Map<String, Object>) value;
    }

    /**
     * Reads a UTF-8 file holding one JSON object.
     *
     * @throws IOException        when the file cannot be read or is not valid UTF-8 (naming the file)
     * @throws JsonParseException when the text is malformed or not an object; the message starts with
     *                            the file name
     */
    public static Map<String, Object> readObject(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not valid UTF-8", e);
        }
        try {
            return parseObject(text);
        } catch (JsonParseException e) {
            throw e.inFile(file.toString());
        }
    }

    /** Writes {@code value} as compact JSON (no whitespace). */
    public static String write(Object value) {
        return new JsonWriter(null, MAX_DEPTH).write(value);
    }

    /** Writes {@code value} as JSON indented by two spaces, one member or element per line, no final newline. */
    public static String writePretty(Object value) {
        return new JsonWriter("  ", MAX_DEPTH).write(value);
    }

    /** {@code s} as a JSON string literal with quotes: {@code quote("a\"b")} is {@code "a\"b"}. */
    public static String quote(String s) {
        return write(s);
    }

    /** "an object", "a string", ... for messages about a parsed value. */
    static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof java.util.List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return "a " + value.getClass().getSimpleName();
    }
}
