package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class JsonProperties {

    @Property
    void writeThenParseGivesTheSameValue(@ForAll("values") Object value) {
        String compact = Json.write(value);
        String pretty = Json.writePretty(value);
        assertEquals(value, Json.parse(compact));
        assertEquals(value, Json.parse(pretty));
        assertEquals(compact, Json.write(Json.parse(pretty)), "writing is deterministic");
        assertTrue(compact.indexOf('\n') < 0, "compact output has no line breaks");
    }

    @Property
    void doublesRoundTripBitForBitInTheFewestDigits(@ForAll("doubleBits") double d) {
        if (!Double.isFinite(d)) {
            return;
        }
        String text = Json.write(d);
        Object back = Json.parse(text);
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) back), text);
        // never longer than Double.toString, which round-trips too (and on JDK 17 is sometimes longer)
        assertTrue(significantDigits(text) <= significantDigits(Double.toString(d)), text + " vs " + d);
    }

    @Property
    void floatsRoundTripAsFloats(@ForAll("floatBits") float f) {
        if (!Float.isFinite(f)) {
            return;
        }
        String text = Json.write(f);
        float back = (float) (double) (Double) Json.parse(text);
        assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back), text);
        assertTrue(significantDigits(text) <= significantDigits(Float.toString(f)), text + " vs " + f);
    }

    @Property
    void arbitraryTextParsesOrFailsWithTheDocumentedError(@ForAll("jsonish") String text) {
        assertParsesOrFailsCleanly(text);
    }

    @Property
    void damagedDocumentsParseOrFailWithTheDocumentedError(@ForAll("values") Object value,
            @ForAll("edits") List<int[]> edits) {
        StringBuilder text = new StringBuilder(Json.writePretty(value));
        for (int[] edit : edits) {
            int at = text.length() == 0 ? 0 : Math.floorMod(edit[1], text.length() + 1);
            char c = ALPHABET.charAt(Math.floorMod(edit[2], ALPHABET.length()));
            switch (edit[0]) {
                case 0 -> text.insert(at, c);
                case 1 -> {
                    if (at < text.length()) {
                        text.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < text.length()) {
                        text.setCharAt(at, c);
                    }
                }
            }
        }
        assertParsesOrFailsCleanly(text.toString());
    }

    private static void assertParsesOrFailsCleanly(String text) {
        try {
            Object v = Json.parse(text);
            assertEquals(v, Json.parse(Json.write(v)), "whatever parses can be written and read back");
        } catch (JsonParseException e) {
            // the position is consistent with the text
            assertTrue(e.offset() >= 0 && e.offset() <= text.length(), e::getMessage);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < e.offset(); i++) {
                char c = text.charAt(i);
                if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                    line++;
                    lineStart = i + 1;
                }
            }
            assertEquals(line, e.line(), e::getMessage);
            assertEquals(e.offset() - lineStart + 1, e.column(), e::getMessage);
            assertEquals("line " + e.line() + ", column " + e.column() + ": " + e.reason(), e.getMessage());
        }
    }

    private static int significantDigits(String number) {
        String mantissa = number.replaceFirst("[eE].*", "").replace("-", "").replace(".", "");
        mantissa = mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(mantissa.length(), 1);
    }

    // ------------------------------------------------------------------ generators

    private static final String ALPHABET = "{}[],:\"\\/ \t\n\r0123456789-+.eEtrufalsn"
            + "ubfu\u0000\u001f\u00e9\u2028\uFEFF\uD800\uDC00\uD83D\uDE00x";

    /** Every bit pattern is equally likely: subnormals, huge and tiny exponents, as well as jqwik's doubles. */
    @Provide
    Arbitrary<Double> doubleBits() {
        return Arbitraries.oneOf(Arbitraries.longs().map(Double::longBitsToDouble), Arbitraries.doubles());
    }

    @Provide
    Arbitrary<Float> floatBits() {
        return Arbitraries.oneOf(Arbitraries.integers().map(Float::intBitsToFloat), Arbitraries.floats());
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(ALPHABET.chars().mapToObj(c -> (char) c).toArray(Character[]::new))),
                Tuple.of(1, Arbitraries.chars()));
        Arbitrary<String> soup = chars.list().ofMaxSize(40).map(JsonProperties::join);
        Arbitrary<String> prefixes = values().map(Json::write).flatMap(s ->
                Arbitraries.integers().between(0, s.length()).map(n -> s.substring(0, n)));
        return Arbitraries.oneOf(soup, prefixes);
    }

    @Provide
    Arbitrary<List<int[]>> edits() {
        Arbitrary<int[]> edit = Combinators.combine(
                Arbitraries.integers().between(0, 2), Arbitraries.integers(), Arbitraries.integers())
                .as((kind, at, c) -> new int[] {kind, at, c});
        return edit.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.recursive(this::leaves, this::containers, 0, 4);
    }

    private Arbitrary<Object> leaves() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of(true, false),
                Arbitraries.longs().map(Object.class::cast),
                // beyond the long range, where integers read back as BigInteger
                Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(63).add(BigInteger.ONE), BigInteger.TEN.pow(30))
                        .flatMap(b -> Arbitraries.of(b, b.negate())).map(Object.class::cast),
                Arbitraries.doubles().filter(Double::isFinite).map(Object.class::cast),
                Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e23, 0.1).map(Object.class::cast),
                strings().map(Object.class::cast));
    }

    private Arbitrary<Object> containers(Arbitrary<Object> inner) {
        Arbitrary<Object> lists = inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> maps = Arbitraries.maps(strings(), inner).ofMaxSize(4)
                .map(m -> (Object) new LinkedHashMap<String, Object>(m));
        return Arbitraries.oneOf(lists, maps);
    }

    /** Valid Unicode strings, heavy on the characters JSON must escape. */
    private static Arbitrary<String> strings() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(2, Arbitraries.of((int) '"', (int) '\\', (int) '/', 0, 8, 9, 10, 12, 13, 0x1F, 0x7F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x10FFFF)
                        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)));
        return codePoints.list().ofMaxSize(12).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    private static String join(List<Character> chars) {
        StringBuilder sb = new StringBuilder(chars.size());
        chars.forEach(sb::append);
        return sb.toString();
    }
}
