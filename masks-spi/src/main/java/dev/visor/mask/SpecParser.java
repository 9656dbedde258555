package dev.visor.mask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lexer, parser and printer for {@link MaskSpec}; every failure is a {@link MaskSpecException}. The
 * parser recurses only into {@code (} and {@code !} (at most {@link #MAX_DEPTH} levels) and collects
 * {@code &} and {@code |} chains in loops, so no input can exhaust the stack.
 */
final class SpecParser {
    /** Deeper nesting of '(' and '!' than this is rejected instead of risking the stack. */
    static final int MAX_DEPTH = MaskSpec.MAX_DEPTH;

    private enum Kind { NAME, INT, NUMBER, STRING, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, EQUALS, NOT, AND, OR, THEN, END }

    private record Token(Kind kind, String text, Object value, int column) {
        String describe() {
            return kind == Kind.END ? "end of input" : Names.quote(text);
        }
    }

    private final String text;
    private final List<Token> tokens;
    private int pos;
    private int depth;

    SpecParser(String text) {
        this.text = text;
        if (text.length() > MaskSpec.MAX_LENGTH) {
            throw error("mask spec of " + text.length() + " characters is longer than the limit of "
                    + MaskSpec.MAX_LENGTH + " (column " + (MaskSpec.MAX_LENGTH + 1) + ")", MaskSpec.MAX_LENGTH + 1);
        }
        this.tokens = lex(text);
    }

    MaskSpec parse() {
        if (tokens.get(0).kind == Kind.END) {
            throw error("empty mask spec; expected a mask name, '!' or '(' at column 1", 1);
        }
        MaskSpec spec = or();
        Token t = peek();
        if (t.kind != Kind.END) {
            throw error("expected '&', '|' or end of input at column " + t.column + " but found " + t.describe(), t.column);
        }
        return spec;
    }

    /**
     * Parses a score-modifier pipeline, {@code call { ">>" call }}: no operators but {@code >>}, no
     * parentheses around calls.
     */
    List<MaskSpec.Call> pipeline() {
        List<MaskSpec.Call> calls = new ArrayList<>();
        while (true) {
            Token t = next();
            if (t.kind != Kind.NAME) {
                throw error((calls.isEmpty() && t.kind == Kind.END ? "empty score modifier spec; " : "")
                        + "expected a score modifier name at column " + t.column + " but found " + t.describe(), t.column);
            }
            calls.add((MaskSpec.Call) call(t));
            Token sep = peek();
            if (sep.kind == Kind.END) return calls;
            if (sep.kind != Kind.THEN) {
                throw error("expected '>>' or end of input at column " + sep.column + " but found " + sep.describe(),
                        sep.column);
            }
            pos++;
        }
    }

    private MaskSpec or() {
        MaskSpec first = and();
        if (peek().kind != Kind.OR) return first;
        List<MaskSpec> operands = new ArrayList<>();
        operands.add(first);
        while (peek().kind == Kind.OR) {
            pos++;
            operands.add(and());
        }
        return new MaskSpec.Chain(Connective.OR, operands);
    }

    private MaskSpec and() {
        MaskSpec first = unary();
        if (peek().kind != Kind.AND) return first;
        List<MaskSpec> operands = new ArrayList<>();
        operands.add(first);
        while (peek().kind == Kind.AND) {
            pos++;
            operands.add(unary());
        }
        return new MaskSpec.Chain(Connective.AND, operands);
    }

    private MaskSpec unary() {
        Token t = peek();
        switch (t.kind) {
            case NOT: {
                pos++;
                enter(t);
                MaskSpec inner = unary();
                depth--;
                return new MaskSpec.Not(inner);
            }
            case LPAREN: {
                pos++;
                enter(t);
                MaskSpec inner = or();
                depth--;
                Token close = peek();
                if (close.kind != Kind.RPAREN) {
                    throw error("expected ')' to close '(' from column " + t.column + " at column " + close.column
                            + " but found " + close.describe(), close.column);
                }
                pos++;
                return inner;
            }
            case NAME:
                pos++;
                return call(t);
            default:
                throw error("expected a mask name, '!' or '(' at column " + t.column + " but found " + t.describe(),
                        t.column);
        }
    }

    private void enter(Token t) {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels at column " + t.column, t.column);
        }
    }

    private MaskSpec call(Token name) {
        Map<String, Object> args = new LinkedHashMap<>();
        Map<String, Integer> columns = new HashMap<>();
        if (peek().kind == Kind.LPAREN) {
            pos++;
            if (peek().kind == Kind.RPAREN) {
                pos++;
            } else {
                while (true) {
                    Token key = next();
                    if (key.kind != Kind.NAME) {
                        throw error("expected a parameter name at column " + key.column + " but found "
                                + key.describe(), key.column);
                    }
                    Token eq = next();
                    if (eq.kind != Kind.EQUALS) {
                        throw error("expected '=' after parameter " + Names.quote(key.text) + " at column " + eq.column
                                + " but found " + eq.describe(), eq.column);
                    }
                    Object value = value();
                    Integer first = columns.putIfAbsent(key.text, key.column);
                    if (first != null) {
                        throw error("duplicate parameter " + Names.quote(key.text) + " at column " + key.column
                                + " (already given at column " + first + ")", key.column);
                    }
                    args.put(key.text, value);
                    Token sep = next();
                    if (sep.kind == Kind.RPAREN) break;
                    if (sep.kind != Kind.COMMA) {
                        throw error("expected ',' or ')' at column " + sep.column + " but found " + sep.describe(),
                                sep.column);
                    }
                }
            }
        }
        return new MaskSpec.Call(name.text, Collections.unmodifiableMap(args), name.column,
                Collections.unmodifiableMap(columns));
    }

    private Object value() {
        Token t = next();
        switch (t.kind) {
            case INT:
            case NUMBER:
            case STRING:
                return t.value;
            case NAME:
                if (t.text.equals("true")) return Boolean.TRUE;
                if (t.text.equals("false")) return Boolean.FALSE;
                break;
            case LBRACKET: {
                // all ints: an int list; any number among them: a number list (ints widened)
                List<Object> list = new ArrayList<>();
                if (peek().kind == Kind.RBRACKET) {
                    pos++;
                    return Collections.unmodifiableList(list);
                }
                boolean numbers = false;
                while (true) {
                    Token item = next();
                    if (item.kind != Kind.INT && item.kind != Kind.NUMBER) {
                        throw error("expected an int or a number in the list at column " + item.column + " but found "
                                + item.describe(), item.column);
                    }
                    numbers |= item.kind == Kind.NUMBER;
                    list.add(item.value);
                    Token sep = next();
                    if (sep.kind == Kind.RBRACKET) {
                        return numbers ? ParameterType.NUMBER_LIST.coerce(list) : Collections.unmodifiableList(list);
                    }
                    if (sep.kind != Kind.COMMA) {
                        throw error("expected ',' or ']' at column " + sep.column + " but found " + sep.describe(),
                                sep.column);
                    }
                }
            }
            default:
                break;
        }
        throw error("expected a value (int, number, true, false, \"string\" or [number, ...]) at column " + t.column
                + " but found " + t.describe(), t.column);
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind != Kind.END) pos++;
        return t;
    }

    private MaskSpecException error(String reason, int column) {
        return new MaskSpecException(reason, text, column);
    }

    // ---- lexer ----

    private List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            int col = i + 1;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (isNameStart(c)) {
                int j = i + 1;
                while (j < n && isNamePart(s.charAt(j))) j++;
                out.add(new Token(Kind.NAME, s.substring(i, j), null, col));
                i = j;
            } else if (isDigit(c) || (c == '-' && i + 1 < n && isDigit(s.charAt(i + 1)))) {
                i = number(s, i, out);
            } else if (c == '"') {
                i = string(s, i, out);
            } else if (c == '>' && i + 1 < n && s.charAt(i + 1) == '>') {
                out.add(new Token(Kind.THEN, ">>", null, col));
                i += 2;
            } else {
                Kind k = switch (c) {
                    case '(' -> Kind.LPAREN;
                    case ')' -> Kind.RPAREN;
                    case '[' -> Kind.LBRACKET;
                    case ']' -> Kind.RBRACKET;
                    case ',' -> Kind.COMMA;
                    case '=' -> Kind.EQUALS;
                    case '!' -> Kind.NOT;
                    case '&' -> Kind.AND;
                    case '|' -> Kind.OR;
                    default -> null;
                };
                if (k == null) {
                    String shown = Character.isISOControl(c) || Character.isSurrogate(c)
                            ? String.format("U+%04X", (int) c) : "'" + c + "'";
                    throw error("unexpected character " + shown + " at column " + col
                            + "; expected a name, a value or one of ( ) [ ] , = ! & | >>", col);
                }
                out.add(new Token(k, String.valueOf(c), null, col));
                i++;
            }
        }
        out.add(new Token(Kind.END, "", null, n + 1));
        return out;
    }

    private int number(String s, int start, List<Token> out) {
        int n = s.length();
        int i = start;
        if (s.charAt(i) == '-') i++;
        while (i < n && isDigit(s.charAt(i))) i++;
        boolean decimal = false;
        if (i < n && s.charAt(i) == '.') {
            decimal = true;
            i++;
            if (i >= n || !isDigit(s.charAt(i))) {
                throw error("expected a digit after '.' at column " + (i + 1), i + 1);
            }
            while (i < n && isDigit(s.charAt(i))) i++;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            decimal = true;
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            if (i >= n || !isDigit(s.charAt(i))) {
                throw error("expected a digit in the exponent at column " + (i + 1), i + 1);
            }
            while (i < n && isDigit(s.charAt(i))) i++;
        }
        if (i < n && isNamePart(s.charAt(i))) {
            throw error("unexpected character '" + s.charAt(i) + "' in number at column " + (i + 1), i + 1);
        }
        String literal = s.substring(start, i);
        int col = start + 1;
        if (decimal) {
            double d = Double.parseDouble(literal);
            if (!Double.isFinite(d)) {
                throw error("number " + shorten(literal) + " at column " + col + " is too large", col);
            }
            out.add(new Token(Kind.NUMBER, literal, d, col));
        } else {
            long v;
            try {
                v = literal.length() > 12 ? Long.MAX_VALUE : Long.parseLong(literal);
            } catch (NumberFormatException e) {
                v = Long.MAX_VALUE;
            }
            if (v != (int) v) {
                throw error("int " + shorten(literal) + " at column " + col + " is outside the 32-bit range ["
                        + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]", col);
            }
            out.add(new Token(Kind.INT, literal, (int) v, col));
        }
        return i;
    }

    private int string(String s, int start, List<Token> out) {
        StringBuilder b = new StringBuilder();
        int i = start + 1;
        int n = s.length();
        while (true) {
            if (i >= n) {
                throw error("unterminated string starting at column " + (start + 1) + "; expected a closing '\"'",
                        start + 1);
            }
            char c = s.charAt(i);
            if (c == '"') break;
            if (c == '\\') {
                if (i + 1 >= n) {
                    throw error("unterminated string starting at column " + (start + 1) + "; expected a closing '\"'",
                            start + 1);
                }
                char e = s.charAt(i + 1);
                if (e != '"' && e != '\\') {
                    throw error("unknown escape '\\" + e + "' at column " + (i + 1) + "; strings allow \\\" and \\\\",
                            i + 1);
                }
                b.append(e);
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        out.add(new Token(Kind.STRING, s.substring(start, i + 1), b.toString(), start + 1));
        return i + 1;
    }

    private static String shorten(String literal) {
        return literal.length() <= Names.SHOWN ? literal : literal.substring(0, Names.SHOWN) + "...";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }

    static boolean isIdentifier(String s) {
        if (s == null || s.isEmpty() || !isNameStart(s.charAt(0))) return false;
        for (int i = 1; i < s.length(); i++) if (!isNamePart(s.charAt(i))) return false;
        return true;
    }

    /** The canonical literal value of an argument built in code, or an IllegalArgumentException. */
    static Object literalValue(String name, Object value) {
        if (value instanceof Double || value instanceof Float) {
            Object v = ParameterType.NUMBER.coerce(value);
            if (v != null) return v;
        } else {
            for (ParameterType t : new ParameterType[] {ParameterType.INT, ParameterType.BOOLEAN,
                    ParameterType.STRING, ParameterType.INT_LIST, ParameterType.NUMBER_LIST}) {
                Object v = value == null ? null : t.coerce(value);
                if (v != null) return v;
            }
        }
        throw new IllegalArgumentException("argument '" + name + "' = " + value
                + " is not an int, finite number, boolean, string, int list or number list");
    }

    // ---- printer ----

    /** Appends a spec, in parentheses if it binds less tightly than {@code min}. */
    static void print(MaskSpec spec, int min, StringBuilder out) {
        if (spec instanceof MaskSpec.Chain c) {
            chain(c.connective(), c.operands(), min, out, SpecParser::print);
        } else if (spec instanceof MaskSpec.Not n) {
            print(n.operand(), 3, out.append('!'));
        } else {
            out.append(spec);
        }
    }

    /** Appends a mask tree: composites as operators, every other mask as its {@link Mask#spec()}. */
    static void print(Mask mask, int min, StringBuilder out) {
        if (mask instanceof ChainMask c) {
            chain(c.connective(), c.operands(), min, out, SpecParser::print);
        } else if (mask instanceof NotMask n) {
            print(n.inner(), 3, out.append('!'));
        } else {
            out.append(mask.spec());
        }
    }

    private interface Printer<T> {
        void print(T node, int min, StringBuilder out);
    }

    /** One loop over the operands: depth grows with nesting, never with the length of a chain. */
    private static <T> void chain(Connective connective, List<T> operands, int min, StringBuilder out,
                                  Printer<T> printer) {
        boolean wrap = connective.precedence() < min;
        if (wrap) out.append('(');
        for (int i = 0; i < operands.size(); i++) {
            if (i > 0) out.append(' ').append(connective.symbol()).append(' ');
            printer.print(operands.get(i), connective.precedence() + 1, out);
        }
        if (wrap) out.append(')');
    }
}
