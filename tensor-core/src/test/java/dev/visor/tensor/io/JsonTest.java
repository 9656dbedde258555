package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    // ------------------------------------------------------------------ reading

    @Test
    void mapsJsonToPlainJavaValues() {
        Object v = Json.parse(" {\"b\": [1, -2.5, \"x\", true, false, null], \"a\": {}, \"c\": []} ");
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("b", "a", "c"), new ArrayList<>(m.keySet()), "document order");
        List<?> b = assertInstanceOf(ArrayList.class, m.get("b"));
        assertEquals(Arrays.asList(1L, -2.5, "x", true, false, null), b);
        assertEquals(Map.of(), m.get("a"));
        assertEquals(List.of(), m.get("c"));
    }

    @Test
    void integersAreLongsUnlessTooLargeAndEverythingElseIsADouble() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new BigInteger("-99999999999999999999"), Json.parse("-99999999999999999999"));
        assertEquals(0L, Json.parse("-0"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(1000.0, Json.parse("1E3"));
        assertEquals(1.0, Json.parse("1.0"));
        assertEquals(0.015, Json.parse("1.5e-2"));
        assertEquals(2.5e+300, Json.parse("2.5e+300"));
        assertEquals(0.0, Json.parse("1e-400"), "below the double range reads as zero");
        assertEquals(0.1, Json.parse("0.1"));
    }

    @Test
    void decodesEveryEscape() {
        assertEquals("\" \\ / \b \f \n \r \t A é", Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9\""));
        assertEquals("\uD83D\uDE00", Json.parse("\"\\uD83D\\uDE00\""), "a surrogate pair becomes one code point");
        assertEquals("x\uD83D\uDE00y", Json.parse("\"x\uD83D\uDE00y\""), "raw supplementary characters pass");
        assertEquals("日本", Json.parse("\"日本\""));
    }

    @Test
    void skipsALeadingByteOrderMark() {
        assertEquals(List.of(1L), Json.parse("\uFEFF[1]"));
    }

    @Test
    void errorsNameLineColumnAndWhatWasExpected() {
        JsonParseException e = parseError("{\n  \"a\": 1\n  \"b\": 2\n}");
        assertEquals("line 3, column 3: expected ',' or '}' after an object member but found '\"'", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(3, e.column());
        assertEquals(13, e.offset());
        assertEquals("expected ',' or '}' after an object member but found '\"'", e.reason());
        assertNull(e.source());

        assertEquals("line 2, column 2: expected a value (object, array, string, number, true, false or null)"
                + " but found ']'", parseError("[1,\r\n ]").getMessage(), "CRLF is one line break");
        assertEquals("line 3, column 1: expected ',' or ']' after an array element but found 'x'",
                parseError("[1\r\rx").getMessage(), "a lone CR is a line break");
    }

    @Test
    void rejectsEverythingThatIsNotStrictJson() {
        assertReason("{\"a\":1,}", 1, 8, "expected a string key in double quotes but found '}'");
        assertReason("[1,]", 1, 4, "expected a value (object, array, string, number, true, false or null) but found ']'");
        assertReason("{'a':1}", 1, 2, "expected a string key in double quotes but found '''");
        assertReason("{\"a\" 1}", 1, 6, "expected ':' after key \"a\" but found '1'");
        assertReason("// comment\n1", 1, 1, "expected a value (object, array, string, number, true, false or null) but found '/'");
        assertReason("01", 1, 2, "leading zeros are not allowed in numbers");
        assertReason("-", 1, 2, "expected a digit in number but found end of input");
        assertReason("-a", 1, 2, "expected a digit in number but found 'a'");
        assertReason("1.", 1, 3, "expected a digit after the decimal point but found end of input");
        assertReason("1.e5", 1, 3, "expected a digit after the decimal point but found 'e'");
        assertReason("1e+", 1, 4, "expected a digit in the exponent but found end of input");
        assertReason(".5", 1, 1, "expected a value (object, array, string, number, true, false or null) but found '.'");
        assertReason("+1", 1, 1, "expected a value (object, array, string, number, true, false or null) but found '+'");
        assertReason("NaN", 1, 1, "expected a value (object, array, string, number, true, false or null) but found 'N'");
        assertReason("tru", 1, 4, "expected 'true' but found end of input");
        assertReason("nulL", 1, 4, "expected 'null' but found 'L'");
        assertReason("1 2", 1, 3, "expected end of input after the value but found '2'");
        assertReason("{} x", 1, 4, "expected end of input after the value but found 'x'");
        assertReason("", 1, 1, "expected a value but found end of input");
        assertReason(" \n ", 2, 2, "expected a value but found end of input");
        assertReason("1e400", 1, 1, "number 1e400 is too large for a double");
        assertReason("[1\u00A0]", 1, 3, "expected ',' or ']' after an array element but found '\u00A0' (U+00A0)");
        assertReason("\u0000", 1, 1, "expected a value (object, array, string, number, true, false or null) but found U+0000");
    }

    @Test
    void rejectsBadStrings() {
        assertReason("\"abc", 1, 5, "unterminated string starting at line 1, column 1: expected '\"' but found end of input");
        assertReason("\"a\nb\"", 1, 3, "control character U+000A in a string must be escaped");
        assertReason("\"\\x\"", 1, 3, "invalid escape '\\x' (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        assertReason("\"\\u12G4\"", 1, 6, "expected 4 hex digits after \\u but found 'G'");
        assertReason("\"\\u١٢٣٤\"", 1, 4, "expected 4 hex digits after \\u but found '١' (U+0661)");
        assertReason("\"\\", 1, 3, "expected an escape character after '\\' but found end of input");
        assertReason("\"\\uD800\"", 1, 2, "unpaired high surrogate \\uD800 (expected a low surrogate escape \\uDC00..\\uDFFF right after it)");
        assertReason("\"\\uD800\\u0041\"", 1, 8, "high surrogate \\uD800 is followed by \\u0041, not by a low surrogate \\uDC00..\\uDFFF");
        assertReason("\"\\uDC00\"", 1, 2, "unpaired low surrogate \\uDC00");
        assertReason("\"a\uD800\"", 1, 3, "unpaired surrogate U+D800 in a string");
        assertReason("\"a\uDC00\"", 1, 3, "unpaired surrogate U+DC00 in a string");
    }

    @Test
    void rejectsDuplicateKeysAtTheSecondKey() {
        assertReason("{\"a\": 1,\n \"a\": 2}", 2, 2, "duplicate key \"a\" in object");
        assertReason("{\"\\u0061\": 1, \"a\": 2}", 1, 15, "duplicate key \"a\" in object");
    }

    @Test
    void boundsNestingDepth() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Object v = Json.parse(ok);
        for (int i = 1; i < Json.MAX_DEPTH; i++) {
            v = ((List<?>) v).get(0);
        }
        assertEquals(List.of(), v);
        String tooDeep = "[".repeat(Json.MAX_DEPTH) + "{\"a\":" + "]".repeat(Json.MAX_DEPTH);
        assertReason(tooDeep, 1, Json.MAX_DEPTH + 1, "nesting is deeper than the limit of 256 arrays and objects");
        // far deeper than any stack could recurse: still the documented error
        assertReason("[".repeat(1_000_000), 1, Json.MAX_DEPTH + 1, "nesting is deeper than the limit of 256 arrays and objects");
    }

    @Test
    void boundsNumberLength() {
        String digits = "1".repeat(JsonParser.MAX_NUMBER_LENGTH);
        assertEquals(new BigInteger(digits), Json.parse(digits));
        assertReason(digits + "1", 1, 1, "number has 1001 characters, more than the limit of 1000");
    }

    @Test
    void parseObjectRequiresAnObject() {
        assertEquals(Map.of("a", 1L), Json.parseObject("{\"a\":1}"));
        JsonParseException e = assertThrows(JsonParseException.class, () -> Json.parseObject("  [1]"));
        assertEquals("line 1, column 3: expected a JSON object but found an array", e.getMessage());
    }

    @Test
    void readObjectNamesTheFile(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("config.json");
        Files.writeString(good, "{\"d_model\": 512, \"name\": \"tiny ✓\"}");
        assertEquals(Map.of("d_model", 512L, "name", "tiny ✓"), Json.readObject(good));

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n\"a\": }");
        JsonParseException e = assertThrows(JsonParseException.class, () -> Json.readObject(bad));
        assertEquals(bad + ": line 2, column 6: expected a value (object, array, string, number, true, false or null)"
                + " but found '}'", e.getMessage());
        assertEquals(bad.toString(), e.source());

        Path latin1 = dir.resolve("latin1.json");
        Files.write(latin1, "{\"a\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        IOException io = assertThrows(IOException.class, () -> Json.readObject(latin1));
        assertEquals(latin1 + ": not valid UTF-8", io.getMessage());
    }

    // ------------------------------------------------------------------ writing

    @Test
    void writesCompactAndPrettyDeterministically() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", "tiny");
        v.put("layers", List.of(1, 2L));
        v.put("empty", Map.of());
        v.put("none", new ArrayList<>());
        v.put("nested", Map.of("x", true));
        v.put("null", null);
        assertEquals("{\"name\":\"tiny\",\"layers\":[1,2],\"empty\":{},\"none\":[],\"nested\":{\"x\":true},\"null\":null}",
                Json.write(v));
        assertEquals("{\n"
                + "  \"name\": \"tiny\",\n"
                + "  \"layers\": [\n"
                + "    1,\n"
                + "    2\n"
                + "  ],\n"
                + "  \"empty\": {},\n"
                + "  \"none\": [],\n"
                + "  \"nested\": {\n"
                + "    \"x\": true\n"
                + "  },\n"
                + "  \"null\": null\n"
                + "}", Json.writePretty(v));
        assertEquals(Json.parse(Json.write(v)), Json.parse(Json.writePretty(v)));
        assertEquals("{\"a\":1,\"b\":2}", Json.write(new TreeMap<>(Map.of("b", 2, "a", 1))));
    }

    @Test
    void writesEveryKindOfNumber() {
        assertEquals("[1,2,3,4,18446744073709551616,1.5,0.1,1.25E+3]", Json.write(List.of(
                (byte) 1, (short) 2, 3, 4L, BigInteger.ONE.shiftLeft(64), 1.5, 0.1f, new BigDecimal("1.25E+3"))));
        assertEquals("[1,2]", Json.write(new int[] {1, 2}));
        assertEquals("[[1.0,2.5]]", Json.write(new double[][] {{1, 2.5}}));
        assertEquals("[\"a\",null]", Json.write(new Object[] {"a", null}));
    }

    @Test
    void writesTheShortestDecimalThatReadsBack() {
        assertEquals("0.1", Json.write(0.1));
        assertEquals("100.0", Json.write(100.0));
        assertEquals("-0.0", Json.write(-0.0));
        assertEquals("0.0", Json.write(0.0));
        // JDK 17's Double.toString gives 9.999999999999999E22 and 2.82879384806159008E17 (JDK 19+ fixed it)
        assertEquals("1e23", Json.write(1e23));
        assertEquals("282879384806159000.0", Json.write(2.82879384806159E17));
        assertEquals("2e-323", Json.write(2e-323));
        assertEquals("123456789012345680000.0", Json.write(1.2345678901234568e20));
        assertEquals("1e21", Json.write(1e21));
        assertEquals("1.5e-8", Json.write(1.5e-8));
        assertEquals("0.0000001", Json.write(1e-7));
        assertEquals("1.7976931348623157e308", Json.write(Double.MAX_VALUE));
        assertEquals("5e-324", Json.write(Double.MIN_VALUE));
        assertEquals("0.3", Json.write(0.3f), "a float is written as the shortest decimal that reads back as that float");
        assertEquals("3.4028235e38", Json.write(Float.MAX_VALUE));
        assertEquals("1e-45", Json.write(Float.MIN_VALUE));
    }

    @Test
    void escapesWhatJsonRequires() {
        assertEquals("\"\\\" \\\\ / \\b \\f \\n \\r \\t \\u0000 \\u001f é \uD83D\uDE00\"",
                Json.write("\" \\ / \b \f \n \r \t \u0000 \u001f é \uD83D\uDE00"));
        assertEquals("\"\\\"x\\\"\"", Json.quote("\"x\""));
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertEquals("cannot write NaN at $.lr: JSON has no NaN or infinity",
                writeError(Map.of("lr", Double.NaN)).getMessage());
        assertEquals("cannot write Infinity at $[1]: JSON has no NaN or infinity",
                writeError(List.of(1, Float.POSITIVE_INFINITY)).getMessage());
        assertEquals("map key 1 at $[\"a b\"] is a java.lang.Integer; JSON object keys must be strings",
                writeError(Map.of("a b", Map.of(1, 2))).getMessage());
        assertEquals("string at $.s has an unpaired surrogate U+D800 at index 1; JSON text must be valid Unicode",
                writeError(Map.of("s", "a\uD800")).getMessage());
        assertTrue(writeError(new Object() {}).getMessage().startsWith("cannot write dev.visor.tensor.io.JsonTest$1 at $ as JSON"));
        Map<String, Object> cycle = new HashMap<>();
        cycle.put("self", cycle);
        assertTrue(writeError(cycle).getMessage().endsWith("nests deeper than the limit of 256 arrays and objects"
                + " (does it contain itself?)"));
    }

    private static IllegalArgumentException writeError(Object value) {
        return assertThrows(IllegalArgumentException.class, () -> Json.write(value));
    }

    private static JsonParseException parseError(String text) {
        return assertThrows(JsonParseException.class, () -> Json.parse(text));
    }

    private static void assertReason(String text, int line, int column, String reason) {
        JsonParseException e = parseError(text);
        assertEquals(reason, e.reason(), () -> "for " + text);
        assertEquals(line, e.line(), () -> "line for " + text);
        assertEquals(column, e.column(), () -> "column for " + text);
    }
}
