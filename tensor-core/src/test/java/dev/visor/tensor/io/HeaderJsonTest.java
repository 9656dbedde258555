package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The header's JSON mapping and strictness, kept from the hand-written parser it replaced. */
class HeaderJsonTest {
    @Test
    void mapsJsonToPlainJavaValuesInDocumentOrder() throws Exception {
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class,
                HeaderJson.parse(" {\"b\": [1, -2.5, \"x\", true, false, null], \"a\": {}, \"c\": []} "));
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(m.keySet()));
        assertEquals(Arrays.asList(1L, -2.5, "x", true, false, null), m.get("b"));
        assertEquals(Map.of(), m.get("a"));
        assertEquals(List.of(), m.get("c"));
    }

    @Test
    void integersAreLongsUnlessTooLargeAndEverythingElseIsADouble() throws Exception {
        assertEquals(Long.MAX_VALUE, HeaderJson.parse("9223372036854775807"));
        assertEquals(new BigInteger("9223372036854775808"), HeaderJson.parse("9223372036854775808"));
        assertEquals(new BigInteger("-99999999999999999999"), HeaderJson.parse("-99999999999999999999"));
        assertEquals(0L, HeaderJson.parse("-0"));
        assertEquals(1000.0, HeaderJson.parse("1E3"));
        assertEquals(2.0, HeaderJson.parse("2.0"));
        assertEquals(0.0, HeaderJson.parse("1e-400"), "below the double range reads as zero");
    }

    @Test
    void decodesEscapesAndSurrogatePairs() throws Exception {
        assertEquals("\" \\ / \b \f \n \r \t A é", HeaderJson.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9\""));
        assertEquals("\uD83D\uDE00", HeaderJson.parse("\"\\uD83D\\uDE00\""));
        assertEquals("日本", HeaderJson.parse("\"日本\""));
    }

    @Test
    void rejectsEverythingThatIsNotStrictJson() {
        for (String bad : List.of("{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\" 1}", "// comment\n1", "/* c */ 1", "01", "-",
                "1.", ".5", "+1", "NaN", "Infinity", "tru", "1 2", "{} x", "", " \n ", "\"abc", "\"a\nb\"", "\"\\x\"",
                "\"\\u12G4\"", "[1\u00A0]", "\u0000", "[", "{\"a\"}")) {
            assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse(bad), () -> "accepted " + bad);
        }
    }

    @Test
    void errorsNameLineAndColumn() {
        HeaderJson.SyntaxException e = assertThrows(HeaderJson.SyntaxException.class,
                () -> HeaderJson.parse("{\n  \"a\": 1\n  \"b\": 2\n}"));
        assertTrue(e.getMessage().startsWith("line 3, column 3: "), e.getMessage());
        assertEquals("line 1, column 4: expected the end of the input after the value but found {",
                assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse("{} {")).getMessage());
    }

    @Test
    void rejectsUnpairedSurrogatesBeyondDoublesAndDuplicateKeys() {
        assertEquals("line 1, column 1: unpaired surrogate \\uD800 in a string",
                assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse("\"\\uD800\"")).getMessage());
        assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse("[\"\\uDC00x\"]"));
        assertEquals("line 1, column 8: number 1e400 is beyond the range of a double",
                assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse("{\"a\": [1e400]}")).getMessage());
        assertEquals("line 2, column 2: duplicate key \"a\" in object",
                assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse("{\"a\": 1,\n \"a\": 2}")).getMessage());
        assertEquals("line 1, column 15: duplicate key \"a\" in object", assertThrows(HeaderJson.SyntaxException.class,
                () -> HeaderJson.parse("{\"\\u0061\": 1, \"a\": 2}")).getMessage());
    }

    @Test
    void boundsNestingAndNumberLength() throws Exception {
        int depth = HeaderJson.MAX_DEPTH;
        assertInstanceOf(List.class, HeaderJson.parse("[".repeat(depth) + "]".repeat(depth)));
        HeaderJson.SyntaxException deep = assertThrows(HeaderJson.SyntaxException.class,
                () -> HeaderJson.parse("[".repeat(depth + 1) + "]".repeat(depth + 1)));
        assertTrue(deep.getMessage().contains("nesting depth") && deep.getMessage().contains(Integer.toString(depth)),
                deep.getMessage());
        assertThrows(HeaderJson.SyntaxException.class, () -> HeaderJson.parse("[".repeat(1_000_000)));

        String digits = "1".repeat(HeaderJson.MAX_NUMBER_LENGTH);
        assertEquals(new BigInteger(digits), HeaderJson.parse(digits));
        HeaderJson.SyntaxException longNumber = assertThrows(HeaderJson.SyntaxException.class,
                () -> HeaderJson.parse(digits + "1"));
        assertTrue(longNumber.getMessage().contains("Number value length"), longNumber.getMessage());
    }

    @Test
    void writesCompactJsonThatReadsBack() throws Exception {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", "tiny \u00e9\n\uD83D\uDE00");
        v.put("shape", new int[] {2, 3});
        v.put("data_offsets", new long[] {0, 24});
        v.put("nested", Map.of("x", true));
        v.put("none", null);
        String json = HeaderJson.write(v);
        assertEquals("{\"name\":\"tiny \u00e9\\n\uD83D\uDE00\",\"shape\":[2,3],\"data_offsets\":[0,24],"
                + "\"nested\":{\"x\":true},\"none\":null}", json);
        Map<?, ?> back = (Map<?, ?>) HeaderJson.parse(json);
        assertEquals(List.of(2L, 3L), back.get("shape"));
        assertEquals(v.get("name"), back.get("name"));
        assertEquals("\"a\\\"b\\\\\"", HeaderJson.quote("a\"b\\"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeaderJson.write(List.of("x\uD800")));
        assertEquals("'x\\uD800' has an unpaired surrogate U+D800 at index 1, which UTF-8 cannot encode", e.getMessage());
    }
}
