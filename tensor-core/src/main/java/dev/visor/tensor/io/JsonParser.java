package dev.visor.tensor.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for RFC 8259 JSON, strict: no comments, trailing commas, single quotes,
 * leading zeros, {@code NaN}, unescaped control characters, unpaired surrogates or duplicate keys.
 * See {@link Json#parse(CharSequence)} for the value mapping.
 */
final class JsonParser {
    /** Longer number literals are rejected: parsing them as BigInteger would take quadratic time. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private final CharSequence text;
    private final int maxDepth;
    private int pos;

    JsonParser(CharSequence text, int maxDepth) {
        this.text = text;
        this.maxDepth = maxDepth;
    }

    Object parseDocument() {
        // RFC 8259 section 8.1: a parser may ignore a leading byte order mark.
        if (text.length() > 0 && text.charAt(0) == '\uFEFF') {
            pos = 1;
        }
        skipWhitespace();
        Object value = parseValue(0);
        skipWhitespace();
        if (pos < text.length()) {
            throw errorAt(pos, "expected end of input after the value but found " + describe(pos));
        }
        return value;
    }

    private Object parseValue(int depth) {
        if (pos >= text.length()) {
            throw errorAt(pos, "expected a value but found end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return parseObject(depth + 1);
            case '[':
                return parseArray(depth + 1);
            case '"':
                return parseString();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return parseNumber();
                }
                throw errorAt(pos, "expected a value (object, array, string, number, true, false or null) but found "
                        + describe(pos));
        }
    }

    private Map<String, Object> parseObject(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> object = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return object;
        }
        while (true) {
            if (peek() != '"') {
                throw errorAt(pos, "expected a string key in double quotes but found " + describe(pos));
            }
            int keyStart = pos;
            String key = parseString();
            if (object.containsKey(key)) {
                throw errorAt(keyStart, "duplicate key " + Json.quote(key) + " in object");
            }
            skipWhitespace();
            if (peek() != ':') {
                throw errorAt(pos, "expected ':' after key " + Json.quote(key) + " but found " + describe(pos));
            }
            pos++;
            skipWhitespace();
            object.put(key, parseValue(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == '}') {
                pos++;
                return object;
            } else {
                throw errorAt(pos, "expected ',' or '}' after an object member but found " + describe(pos));
            }
        }
    }

    private List<Object> parseArray(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> array = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return array;
        }
        while (true) {
            array.add(parseValue(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == ']') {
                pos++;
                return array;
            } else {
                throw errorAt(pos, "expected ',' or ']' after an array element but found " + describe(pos));
            }
        }
    }

    private void checkDepth(int depth) {
        if (depth > maxDepth) {
            throw errorAt(pos, "nesting is deeper than the limit of " + maxDepth + " arrays and objects");
        }
    }

    private Object literal(String word, Object value) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= text.length() || text.charAt(pos + i) != word.charAt(i)) {
                throw errorAt(pos + i, "expected '" + word + "' but found " + describe(pos + i));
            }
        }
        pos += word.length();
        return value;
    }

    private String parseString() {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= text.length()) {
                throw errorAt(pos, "unterminated string starting at line " + lineOf(start) + ", column "
                        + columnOf(start) + ": expected '\"' but found end of input");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null
                        ? text.subSequence(runStart, pos).toString()
                        : sb.append(text, runStart, pos).toString();
                pos++;
                return s;
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, runStart, pos);
                parseEscape(sb);
                runStart = pos;
            } else if (c < 0x20) {
                throw errorAt(pos, "control character " + codePoint(c) + " in a string must be escaped");
            } else if (Character.isHighSurrogate(c)) {
                if (pos + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(pos + 1))) {
                    throw errorAt(pos, "unpaired surrogate " + codePoint(c) + " in a string");
                }
                pos += 2;
            } else if (Character.isLowSurrogate(c)) {
                throw errorAt(pos, "unpaired surrogate " + codePoint(c) + " in a string");
            } else {
                pos++;
            }
        }
    }

    /** Parses the escape at {@code pos} (a backslash), appends its character(s) and moves past it. */
    private void parseEscape(StringBuilder sb) {
        int escapeStart = pos;
        pos++;
        if (pos >= text.length()) {
            throw errorAt(pos, "expected an escape character after '\\' but found end of input");
        }
        char e = text.charAt(pos);
        pos++;
        switch (e) {
            case '"': sb.append('"'); return;
            case '\\': sb.append('\\'); return;
            case '/': sb.append('/'); return;
            case 'b': sb.append('\b'); return;
            case 'f': sb.append('\f'); return;
            case 'n': sb.append('\n'); return;
            case 'r': sb.append('\r'); return;
            case 't': sb.append('\t'); return;
            case 'u':
                break;
            default:
                throw errorAt(pos - 1, "invalid escape '\\" + printable(e)
                        + "' (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
        char u = hex4();
        if (Character.isHighSurrogate(u)) {
            if (pos + 1 < text.length() && text.charAt(pos) == '\\' && text.charAt(pos + 1) == 'u') {
                int lowStart = pos;
                pos += 2;
                char low = hex4();
                if (Character.isLowSurrogate(low)) {
                    sb.append(u).append(low);
                    return;
                }
                throw errorAt(lowStart, "high surrogate \\u" + hex(u) + " is followed by \\u" + hex(low)
                        + ", not by a low surrogate \\uDC00..\\uDFFF");
            }
            throw errorAt(escapeStart, "unpaired high surrogate \\u" + hex(u)
                    + " (expected a low surrogate escape \\uDC00..\\uDFFF right after it)");
        }
        if (Character.isLowSurrogate(u)) {
            throw errorAt(escapeStart, "unpaired low surrogate \\u" + hex(u));
        }
        sb.append(u);
    }

    private char hex4() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
            if (d < 0 || text.charAt(pos) > 'f') { // Character.digit accepts non-ASCII digits
                throw errorAt(pos, "expected 4 hex digits after \\u but found " + describe(pos));
            }
            v = (v << 4) | d;
            pos++;
        }
        return (char) v;
    }

    private Number parseNumber() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') {
            pos++;
        }
        char c = peek();
        if (c == '0') {
            pos++;
            if (isDigit(peek())) {
                throw errorAt(pos, "leading zeros are not allowed in numbers");
            }
        } else if (c >= '1' && c <= '9') {
            skipDigits();
        } else {
            throw errorAt(pos, "expected a digit in number but found " + describe(pos));
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw errorAt(pos, "expected a digit after the decimal point but found " + describe(pos));
            }
            skipDigits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            integral = false;
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw errorAt(pos, "expected a digit in the exponent but found " + describe(pos));
            }
            skipDigits();
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw errorAt(start, "number has " + (pos - start) + " characters, more than the limit of "
                    + MAX_NUMBER_LENGTH);
        }
        String literal = text.subSequence(start, pos).toString();
        if (integral) {
            // Up to 18 digits always fit in a long; longer literals may still fit.
            if (literal.length() <= 18) {
                return Long.parseLong(literal);
            }
            BigInteger big = new BigInteger(literal);
            return big.bitLength() < 64 ? (Number) big.longValue() : big;
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            throw errorAt(start, "number " + abbreviate(literal) + " is too large for a double");
        }
        return d;
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    /** The character at {@code pos}, or {@code '\0'} at end of input (never valid where it is tested). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private String describe(int at) {
        if (at >= text.length()) {
            return "end of input";
        }
        char c = text.charAt(at);
        if (c >= 0x20 && c < 0x7f) {
            return "'" + c + "'";
        }
        if (Character.isHighSurrogate(c) && at + 1 < text.length() && Character.isLowSurrogate(text.charAt(at + 1))) {
            return "'" + text.subSequence(at, at + 2) + "' (" + codePoint(Character.codePointAt(text, at)) + ")";
        }
        if (c > 0x7f && !Character.isISOControl(c) && !Character.isSurrogate(c) && Character.isDefined(c)) {
            return "'" + c + "' (" + codePoint(c) + ")";
        }
        return codePoint(c);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : codePoint(c);
    }

    private static String codePoint(int c) {
        return String.format("U+%04X", c);
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    JsonParseException errorAt(int at, String reason) {
        at = Math.min(at, text.length());
        return new JsonParseException(null, lineOf(at), columnOf(at), at, reason);
    }

    private int lineOf(int at) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
            }
        }
        return line;
    }

    private int columnOf(int at) {
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                lineStart = i + 1;
            }
        }
        return at - lineStart + 1;
    }
}
