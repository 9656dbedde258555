package dev.visor.mask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The types a strategy parameter may have, with their spec-string syntax.
 *
 * <table>
 *   <caption>Parameter types</caption>
 *   <tr><th>type</th><th>Java value</th><th>spec literal</th></tr>
 *   <tr><td>INT</td><td>{@link Integer}</td><td>{@code 128}, {@code -1}</td></tr>
 *   <tr><td>NUMBER</td><td>{@link Double}</td><td>{@code 0.25}, {@code 1e-3}, or an int literal</td></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td><td>{@code true}, {@code false}</td></tr>
 *   <tr><td>STRING</td><td>{@link String}</td><td>{@code "text"} with {@code \"} and {@code \\} escapes</td></tr>
 *   <tr><td>INT_LIST</td><td>{@code List<Integer>}</td><td>{@code [7, 9]}, {@code []}</td></tr>
 *   <tr><td>NUMBER_LIST</td><td>{@code List<Double>}</td><td>{@code [0.5, 0.25]}, {@code [1, 2]}, {@code []}</td></tr>
 * </table>
 *
 * <pre>{@code
 * MaskParameter.required("ids", ParameterType.INT_LIST, "token ids the keys may have")
 * }</pre>
 */
public enum ParameterType {
    /** A 32-bit integer. */
    INT("an int"),
    /** A finite double; int literals are accepted and widened. */
    NUMBER("a number"),
    /** {@code true} or {@code false}. */
    BOOLEAN("a boolean"),
    /** A double-quoted string. */
    STRING("a string"),
    /** A list of 32-bit integers. */
    INT_LIST("an int list"),
    /**
     * A list of finite doubles; int items are accepted and widened.
     *
     * @since 0.2 (score modifiers: {@code alibi(slopes=[...])})
     */
    NUMBER_LIST("a number list");

    private final String article;

    ParameterType(String article) {
        this.article = article;
    }

    /**
     * The type with its indefinite article, for messages ("an int", "a boolean").
     *
     * @return the phrase
     */
    public String phrase() {
        return article;
    }

    /**
     * Converts a Java value to this type's canonical value, or returns null if it is not of this type.
     * INT accepts Integer and in-range Long/Short/Byte; NUMBER accepts any finite Number; INT_LIST accepts
     * {@code List<Integer>} and {@code int[]}; NUMBER_LIST accepts a list of finite Numbers and
     * {@code double[]}; the result is immutable.
     *
     * @param value the value
     * @return the canonical value (Integer, Double, Boolean, String or unmodifiable List of Integer), or null
     */
    public Object coerce(Object value) {
        switch (this) {
            case INT:
                if (value instanceof Integer) return value;
                if (value instanceof Long || value instanceof Short || value instanceof Byte) {
                    long v = ((Number) value).longValue();
                    return v == (int) v ? Integer.valueOf((int) v) : null;
                }
                return null;
            case NUMBER:
                if (value instanceof Number n) {
                    double d = n.doubleValue();
                    return Double.isFinite(d) ? Double.valueOf(d) : null;
                }
                return null;
            case BOOLEAN:
                return value instanceof Boolean ? value : null;
            case STRING:
                return value instanceof String ? value : null;
            case INT_LIST:
                if (value instanceof int[] a) {
                    List<Integer> list = new ArrayList<>(a.length);
                    for (int v : a) list.add(v);
                    return Collections.unmodifiableList(list);
                }
                if (value instanceof List<?> l) {
                    List<Integer> list = new ArrayList<>(l.size());
                    for (Object o : l) {
                        if (!(o instanceof Integer i)) return null;
                        list.add(i);
                    }
                    return Collections.unmodifiableList(list);
                }
                return null;
            case NUMBER_LIST:
                if (value instanceof double[] a) {
                    List<Double> list = new ArrayList<>(a.length);
                    for (double v : a) {
                        if (!Double.isFinite(v)) return null;
                        list.add(v);
                    }
                    return Collections.unmodifiableList(list);
                }
                if (value instanceof List<?> l) {
                    List<Double> list = new ArrayList<>(l.size());
                    for (Object o : l) {
                        Object d = NUMBER.coerce(o);
                        if (d == null) return null;
                        list.add((Double) d);
                    }
                    return Collections.unmodifiableList(list);
                }
                return null;
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Prints a canonical value as a spec literal that parses back to an equal value.
     *
     * @param value a value {@link #coerce} accepts
     * @return the literal, e.g. {@code 0.25}, {@code "a\"b"}, {@code [7, 9]}
     */
    public String format(Object value) {
        Object v = coerce(value);
        if (v == null) throw new IllegalArgumentException("'" + value + "' is not " + article);
        return literal(v);
    }

    /**
     * Prints any value the spec grammar can hold (Integer, Double, Boolean, String, List of Integer).
     *
     * @param value the value
     * @return its literal
     */
    static String literal(Object value) {
        if (value instanceof String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') b.append('\\');
                b.append(c);
            }
            return b.append('"').toString();
        }
        if (value instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) b.append(", ");
                b.append(l.get(i));
            }
            return b.append(']').toString();
        }
        return String.valueOf(value);
    }

    /**
     * The type of a value the parser produced, used in "expects an int but got a string" messages.
     *
     * @param value a parsed literal
     * @return its natural type
     */
    static ParameterType typeOf(Object value) {
        if (value instanceof Integer) return INT;
        if (value instanceof Double) return NUMBER;
        if (value instanceof Boolean) return BOOLEAN;
        if (value instanceof String) return STRING;
        if (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Double) return NUMBER_LIST;
        return INT_LIST;
    }
}
