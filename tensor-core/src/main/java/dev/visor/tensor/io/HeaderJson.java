package dev.visor.tensor.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors header as plain Java values, read and written with Jackson's streaming core.
 *
 * <p>Reading maps an object to a {@link LinkedHashMap} in document order, an array to a
 * {@link List}, a string to {@link String}, an integer to {@link Long} (or {@link BigInteger} beyond
 * 64 bits), any other number to {@link Double}, {@code true}/{@code false} to {@link Boolean} and
 * {@code null} to {@code null}. It is strict: Jackson's defaults reject comments, single quotes,
 * trailing commas, leading zeros, {@code NaN} and raw control characters; on top of them a duplicate
 * key, an unpaired surrogate (escaped), a number beyond the double range and anything after the
 * value are errors. {@link StreamReadConstraints} bound the document ({@link SafeTensors#MAX_HEADER_LENGTH}),
 * the nesting ({@value #MAX_DEPTH}), numbers ({@value #MAX_NUMBER_LENGTH} characters) and strings, so hostile
 * input cannot exhaust the stack or the heap.
 */
final class HeaderJson {
    /** The deepest nesting of arrays and objects accepted; a valid header nests 3 deep. */
    static final int MAX_DEPTH = 64;
    /** The longest number literal accepted, in characters. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(SafeTensors.MAX_HEADER_LENGTH)
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength((int) SafeTensors.MAX_HEADER_LENGTH)
                    .maxNameLength((int) SafeTensors.MAX_HEADER_LENGTH)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private HeaderJson() {}

    /** A syntax error in the header, with Jackson's 1-based position. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(int line, int column, String reason, Throwable cause) {
            super("line " + line + ", column " + column + ": " + reason, cause);
        }
    }

    /**
     * Parses exactly one JSON value (surrounding whitespace allowed).
     *
     * @param text the header text
     * @return the value as plain Java objects
     * @throws SyntaxException naming the line, column and problem
     */
    static Object parse(String text) throws SyntaxException {
        try (JsonParser p = FACTORY.createParser(text)) {
            try {
                JsonToken first = p.nextToken();
                if (first == null) {
                    throw error(p, "expected a value but found the end of the input", null);
                }
                Object value = value(p);
                JsonToken after = p.nextToken();
                if (after != null) {
                    throw error(p, "expected the end of the input after the value but found " + after.asString(), null);
                }
                return value;
            } catch (JsonProcessingException e) { // syntax errors and StreamReadConstraints violations
                JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
                throw new SyntaxException(at.getLineNr(), at.getColumnNr(), e.getOriginalMessage(), e);
            }
        } catch (IOException e) { // a String source cannot fail to read
            throw new UncheckedIOException(e);
        }
    }

    /** The value starting at the current token; recursion is bounded by {@link #MAX_DEPTH}. */
    private static Object value(JsonParser p) throws IOException, SyntaxException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = checked(p, p.currentName());
                    if (object.containsKey(key)) {
                        throw error(p, "duplicate key " + quote(key) + " in object", null);
                    }
                    p.nextToken();
                    object.put(key, value(p));
                }
                return object;
            }
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(p));
                }
                return array;
            }
            case VALUE_STRING:
                return checked(p, p.getText());
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                if (Double.isInfinite(d)) {
                    throw error(p, "number " + p.getText() + " is beyond the range of a double", null);
                }
                return d;
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw error(p, "unexpected " + p.currentToken(), null);
        }
    }

    /** {@code s}, unless it holds an unpaired surrogate (which has no UTF-8 encoding). */
    private static String checked(JsonParser p, String s) throws SyntaxException {
        int at = unpairedSurrogate(s);
        if (at >= 0) {
            throw error(p, String.format("unpaired surrogate \\u%04X in a string", (int) s.charAt(at)), null);
        }
        return s;
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1. */
    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Writes {@code s}, refusing what UTF-8 cannot encode rather than writing a '?' in its place. */
    private static String writable(String s) {
        int at = unpairedSurrogate(s);
        if (at >= 0) {
            throw new IllegalArgumentException(String.format("%s has an unpaired surrogate U+%04X at index %d,"
                    + " which UTF-8 cannot encode", SafeTensorsException.quoteName(s), (int) s.charAt(at), at));
        }
        return s;
    }

    /** An error at the start of the current token. */
    private static SyntaxException error(JsonParser p, String reason, Throwable cause) {
        JsonLocation at = p.currentTokenLocation();
        return new SyntaxException(at.getLineNr(), at.getColumnNr(), reason, cause);
    }

    /**
     * {@code value} (plain Java values as {@link #parse} returns them, plus {@code int[]} and
     * {@code long[]}) as compact JSON.
     *
     * @param value the value
     * @return the JSON text
     * @throws IllegalArgumentException when a string holds an unpaired surrogate
     */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) { // a StringWriter cannot fail
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                g.writeFieldName(writable((String) e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List) {
            g.writeStartArray();
            for (Object v : (List<?>) value) {
                write(g, v);
            }
            g.writeEndArray();
        } else if (value instanceof int[]) {
            int[] a = (int[]) value;
            g.writeArray(a, 0, a.length);
        } else if (value instanceof long[]) {
            long[] a = (long[]) value;
            g.writeArray(a, 0, a.length);
        } else if (value instanceof String) {
            g.writeString(writable((String) value));
        } else if (value instanceof Long) {
            g.writeNumber((Long) value);
        } else if (value instanceof BigInteger) {
            g.writeNumber((BigInteger) value);
        } else if (value instanceof Double) {
            g.writeNumber((Double) value);
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as header JSON");
        }
    }

    /**
     * {@code s} as a JSON string literal with quotes.
     *
     * @param s the string
     * @return {@code "s"} with JSON escapes
     */
    static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    /**
     * What a parsed value is, for messages.
     *
     * @param value a value as {@link #parse} returns it
     * @return "an object", "a string", ...
     */
    static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }
}
