package dev.visor.tensor.io;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Serialises Java values as JSON; see {@link Json#write(Object)} for the accepted types. */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private final String indent; // null = compact
    private final int maxDepth;
    /** Keys (String) and indices (Integer) from the root to the value being written, for errors. */
    private final List<Object> path = new ArrayList<>();

    JsonWriter(String indent, int maxDepth) {
        this.indent = indent;
        this.maxDepth = maxDepth;
    }

    String write(Object value) {
        value(value, 0);
        return out.toString();
    }

    private void value(Object v, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String) {
            string((String) v);
        } else if (v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Double) {
            out.append(formatDouble((Double) v, this::path));
        } else if (v instanceof Float) {
            out.append(formatFloat((Float) v, this::path));
        } else if (v instanceof BigDecimal) {
            out.append(((BigDecimal) v).toString());
        } else if (v instanceof Map) {
            object((Map<?, ?>) v, depth + 1);
        } else if (v instanceof Collection) {
            array(((Collection<?>) v).toArray(), depth + 1);
        } else if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            Object[] items = new Object[n];
            for (int i = 0; i < n; i++) {
                items[i] = Array.get(v, i);
            }
            array(items, depth + 1);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " at " + path()
                    + " as JSON (expected null, String, Boolean, an integer type, BigInteger, Float, Double,"
                    + " BigDecimal, Map with String keys, Collection or array)");
        }
    }

    private void object(Map<?, ?> map, int depth) {
        checkDepth(depth);
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new IllegalArgumentException("map key " + e.getKey() + " at " + path() + " is "
                        + (e.getKey() == null ? "null" : "a " + e.getKey().getClass().getName())
                        + "; JSON object keys must be strings");
            }
            String key = (String) e.getKey();
            if (!first) {
                out.append(',');
            }
            first = false;
            newline(depth);
            string(key);
            out.append(indent == null ? ":" : ": ");
            path.add(key);
            value(e.getValue(), depth);
            path.remove(path.size() - 1);
        }
        newline(depth - 1);
        out.append('}');
    }

    private void array(Object[] items, int depth) {
        checkDepth(depth);
        if (items.length == 0) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            newline(depth);
            path.add(i);
            value(items[i], depth);
            path.remove(path.size() - 1);
        }
        newline(depth - 1);
        out.append(']');
    }

    private void checkDepth(int depth) {
        if (depth > maxDepth) {
            throw new IllegalArgumentException("value at " + path() + " nests deeper than the limit of " + maxDepth
                    + " arrays and objects (does it contain itself?)");
        }
    }

    /** {@code $.layers[2].name}: where the value being written sits, for error messages. */
    private String path() {
        StringBuilder sb = new StringBuilder("$");
        for (Object p : path) {
            if (p instanceof Integer) {
                sb.append('[').append(p).append(']');
            } else if (((String) p).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                sb.append('.').append(p);
            } else {
                sb.append('[').append(Json.quote((String) p)).append(']');
            }
        }
        return sb.toString();
    }

    private void newline(int depth) {
        if (indent != null) {
            out.append('\n');
            for (int i = 0; i < depth; i++) {
                out.append(indent);
            }
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException(String.format(
                                "string at %s has an unpaired surrogate U+%04X at index %d; JSON text must be"
                                        + " valid Unicode", path(), (int) c, i));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /**
     * The shortest decimal that reads back as exactly {@code d}, always with a {@code '.'} or an
     * exponent so that it reads back as a double, not an integer. Computed with {@link BigDecimal}
     * (exact arithmetic) so the text is the same on every JDK; {@code Double.toString} changed in
     * JDK 19.
     */
    static String formatDouble(double d, Supplier<String> path) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("cannot write " + d + " at " + path.get() + ": JSON has no NaN or infinity");
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal r = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                return format(r);
            }
        }
        return format(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
    }

    /** Like {@link #formatDouble} but the shortest decimal that reads back (as a float) as {@code f}. */
    static String formatFloat(float f, Supplier<String> path) {
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("cannot write " + f + " at " + path.get() + ": JSON has no NaN or infinity");
        }
        if (f == 0) {
            return (Float.floatToRawIntBits(f) < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(f);
        for (int digits = 1; digits < 9; digits++) {
            BigDecimal r = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (r.floatValue() == f) {
                return format(r);
            }
        }
        return format(exact.round(new MathContext(9, RoundingMode.HALF_EVEN)));
    }

    /** Plain notation for 1e-7 ≤ |x| < 1e21 (with at least one fraction digit), else {@code d.ddde±x}. */
    private static String format(BigDecimal x) {
        x = x.stripTrailingZeros();
        String digits = x.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - x.scale(); // of the leading digit
        String sign = x.signum() < 0 ? "-" : "";
        if (exponent >= -7 && exponent < 21) {
            String plain = x.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + exponent;
    }
}
