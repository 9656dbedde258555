package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaskSpecTest {

    private static MaskSpec.Call call(String name, Object... args) {
        return MaskSpec.call(name, args);
    }

    @Test
    void precedenceIsNotThenAndThenOr() {
        MaskSpec s = MaskSpec.parse("!a & b | c & !d");
        MaskSpec expected = MaskSpec.or(
                MaskSpec.and(new MaskSpec.Not(call("a")), call("b")),
                MaskSpec.and(call("c"), new MaskSpec.Not(call("d"))));
        assertEquals(expected, s);
        assertEquals("!a & b | c & !d", s.toString());
    }

    @Test
    void chainsAreFlatAndParenthesesOverridePrecedence() {
        MaskSpec flat = new MaskSpec.Chain(Connective.AND, List.of(call("a"), call("b"), call("c")));
        assertEquals(flat, MaskSpec.parse("a&b&c"));
        MaskSpec right = MaskSpec.parse("a & (b & c)");
        assertEquals(flat, right);
        assertEquals(flat, MaskSpec.and(MaskSpec.and(call("a"), call("b")), call("c")));
        assertEquals("a & b & c", right.toString());
        assertEquals("a | b & c | d", MaskSpec.parse("(a | (b & c)) | d").toString());
        assertEquals(3, ((MaskSpec.Chain) MaskSpec.parse("(a | (b & c)) | d")).operands().size());
        assertEquals("(a | b) & c", MaskSpec.parse("((a|b))&c").toString());
        assertEquals("!(a | b)", MaskSpec.parse("!(a|b)").toString());
        assertEquals("!!a", MaskSpec.parse("! ! a").toString());
    }

    @Test
    void argumentsOfEveryType() {
        MaskSpec s = MaskSpec.parse(" f( a = -3 , b=0.25,c = true, d=false, e=\"x \\\"y\\\\\", l=[ 7,9 ], m=[], n=1e-3 ) ");
        MaskSpec.Call c = (MaskSpec.Call) s;
        assertEquals("f", c.name());
        assertEquals(Map.of("a", -3, "b", 0.25, "c", true, "d", false, "e", "x \"y\\", "l", List.of(7, 9),
                "m", List.of(), "n", 0.001), c.arguments());
        assertEquals("f(a=-3, b=0.25, c=true, d=false, e=\"x \\\"y\\\\\", l=[7, 9], m=[], n=0.001)", s.toString());
        assertEquals(s, MaskSpec.parse(s.toString()));
    }

    @Test
    void callWithoutArgumentsPrintsWithoutParentheses() {
        assertEquals(call("causal"), MaskSpec.parse("causal()"));
        assertEquals("causal", MaskSpec.parse("causal ( )").toString());
    }

    @Test
    void issueExamplesRoundTrip() {
        for (String spec : List.of("causal & sliding_window(left=128)", "padding & !token(ids=[7, 9])",
                "(causal & sliding_window(left=64)) | global(positions=[0])")) {
            MaskSpec parsed = MaskSpec.parse(spec);
            assertEquals(parsed, MaskSpec.parse(parsed.toString()), spec);
        }
        assertEquals("causal & sliding_window(left=64) | global(positions=[0])",
                MaskSpec.parse("(causal & sliding_window(left=64)) | global(positions=[0])").toString());
    }

    @Test
    void equalityIgnoresColumnsAndArgumentOrder() {
        assertEquals(MaskSpec.parse("f(a=1, b=2)"), MaskSpec.parse("   f(b=2,a=1)"));
        assertEquals(MaskSpec.parse("f(a=1)").hashCode(), MaskSpec.parse("  f( a=1 )").hashCode());
        MaskSpec.Not not = (MaskSpec.Not) ((MaskSpec.Chain) MaskSpec.parse("a & !  f(x=1)")).operands().get(1);
        MaskSpec.Call f = (MaskSpec.Call) not.operand();
        assertEquals(8, f.column());
        assertEquals(10, f.argumentColumn("x"));
        assertEquals(8, f.argumentColumn("missing"));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", 1, "empty mask spec"),
                Arguments.of("causal &", 9, "expected a mask name, '!' or '(' at column 9 but found end of input"),
                Arguments.of("& causal", 1, "expected a mask name, '!' or '(' at column 1 but found '&'"),
                Arguments.of("(causal & full", 15,
                        "expected ')' to close '(' from column 1 at column 15 but found end of input"),
                Arguments.of("causal causal", 8, "expected '&', '|' or end of input at column 8 but found 'causal'"),
                Arguments.of("f(left 3)", 8, "expected '=' after parameter 'left' at column 8 but found '3'"),
                Arguments.of("f(=3)", 3, "expected a parameter name at column 3 but found '='"),
                Arguments.of("f(a=)", 5,
                        "expected a value (int, number, true, false, \"string\" or [number, ...]) at column 5 but found ')'"),
                Arguments.of("f(a=1 b=2)", 7, "expected ',' or ')' at column 7 but found 'b'"),
                Arguments.of("f(a=[1 2])", 8, "expected ',' or ']' at column 8 but found '2'"),
                Arguments.of("f(a=[1, x])", 9, "expected an int or a number in the list at column 9 but found 'x'"),
                Arguments.of("f(a=[1.5, \"s\"])", 11, "expected an int or a number in the list at column 11 but found '\"s\"'"),
                Arguments.of("f(a=1, a=2)", 8, "duplicate parameter 'a' at column 8 (already given at column 3)"),
                Arguments.of("f(a=\"abc)", 5, "unterminated string starting at column 5"),
                Arguments.of("f(a=\"a\\qb\")", 7, "unknown escape '\\q' at column 7"),
                Arguments.of("f(a=99999999999)", 5, "int 99999999999 at column 5 is outside the 32-bit range"),
                Arguments.of("f(a=1e999)", 5, "number 1e999 at column 5 is too large"),
                Arguments.of("f(a=1.)", 7, "expected a digit after '.' at column 7"),
                Arguments.of("f(a=1e)", 7, "expected a digit in the exponent at column 7"),
                Arguments.of("f(a=12ab)", 7, "unexpected character 'a' in number at column 7"),
                Arguments.of("causal # full", 8, "unexpected character '#' at column 8"),
                Arguments.of("f(a=-)", 5, "unexpected character '-' at column 5"),
                Arguments.of("a\u0000", 2, "unexpected character U+0000 at column 2"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void errorsNameTheColumnAndWhatWasExpected(String spec, int column, String message) {
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> MaskSpec.parse(spec));
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.reason().startsWith(message), () -> "got: " + e.reason());
        assertEquals(spec, e.spec());
        if (!spec.isEmpty()) {
            assertTrue(e.getMessage().endsWith("\n  " + spec + "\n  " + " ".repeat(column - 1) + "^"), e.getMessage());
        }
    }

    @Test
    void deepNestingIsAParseErrorNotAStackOverflow() {
        String deep = "(".repeat(5000) + "a" + ")".repeat(5000);
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> MaskSpec.parse(deep));
        assertEquals(SpecParser.MAX_DEPTH + 1, e.column());
        assertThrows(MaskSpecException.class, () -> MaskSpec.parse("!".repeat(5000) + "a"));
        String ok = "(".repeat(SpecParser.MAX_DEPTH) + "a" + ")".repeat(SpecParser.MAX_DEPTH);
        assertEquals(call("a"), MaskSpec.parse(ok));
    }

    @Test
    void callsBuiltInCodeAreChecked() {
        assertEquals("w(left=3, right=0)", MaskSpec.call("w", "left", 3, "right", 0).toString());
        assertEquals("g(p=[1, 2])", MaskSpec.call("g", "p", new int[] {1, 2}).toString());
        assertEquals("r(d=0.5)", MaskSpec.call("r", "d", 0.5f).toString());
        assertThrows(IllegalArgumentException.class, () -> MaskSpec.call("a b"));
        assertThrows(IllegalArgumentException.class, () -> MaskSpec.call("a", "x"));
        assertThrows(IllegalArgumentException.class, () -> MaskSpec.call("a", "x", 1, "x", 2));
        assertThrows(IllegalArgumentException.class, () -> MaskSpec.call("a", "x", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> MaskSpec.call("a", "x", new Object()));
        assertThrows(IllegalArgumentException.class, () -> MaskSpec.call("a", "9x", 1));
    }

    @Test
    void exceptionWithoutColumnHasNoCaret() {
        MaskSpecException e = new MaskSpecException("bad", "causal", 0);
        assertEquals("bad", e.getMessage());
        assertEquals(0, e.column());
    }
}
