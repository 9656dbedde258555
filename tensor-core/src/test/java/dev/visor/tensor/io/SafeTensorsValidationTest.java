package dev.visor.tensor.io;

import static dev.visor.tensor.io.SafeTensorsFiles.bytes;
import static dev.visor.tensor.io.SafeTensorsFiles.concat;
import static dev.visor.tensor.io.SafeTensorsFiles.le64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per validation rule: each error names the file, the tensor (when there is one) and the values. */
class SafeTensorsValidationTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------ header length

    @Test
    void fileTooShortForTheHeaderLength() throws IOException {
        assertRejected(new byte[] {1, 2, 3, 4, 5}, null,
                "file is 5 bytes long, too short for the 8-byte header length that starts a safetensors file");
        assertRejected(new byte[0], null,
                "file is 0 bytes long, too short for the 8-byte header length that starts a safetensors file");
    }

    @Test
    void headerLengthAboveTheLimit() throws IOException {
        assertRejected(concat(le64(100_000_001), "{}".getBytes(StandardCharsets.UTF_8)), null,
                "header length 100000001 exceeds the limit of 100000000 bytes");
        assertRejected(concat(le64(-1), "{}".getBytes(StandardCharsets.UTF_8)), null,
                "header length 18446744073709551615 exceeds the limit of 100000000 bytes");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        assertRejected(concat(le64(50), "{}".getBytes(StandardCharsets.UTF_8)), null,
                "header length 50 runs past the end of the file: only 2 bytes follow the length field (truncated file?)");
    }

    // ------------------------------------------------------------------ header text

    @Test
    void headerThatIsNotUtf8() throws IOException {
        byte[] header = {'{', '"', 'a', (byte) 0xFF, '"', ':', '1', '}'};
        assertRejected(bytes(header, new byte[0]), null,
                "header is not valid UTF-8: malformed byte sequence 0xFF at header byte 3 (file byte 11)");
    }

    @Test
    void headerThatDoesNotStartWithABrace() throws IOException {
        assertRejected(bytes(" {}", new byte[0]), null, "header must be a JSON object starting with '{' but starts with ' '");
        assertRejected(bytes("[]", new byte[0]), null, "header must be a JSON object starting with '{' but starts with '['");
        assertRejected(bytes("", new byte[0]), null, "header must be a JSON object starting with '{' but is empty");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        // the syntax messages are Jackson's, behind our position prefix
        assertRejected(bytes("{\"a\":}", new byte[0]), null,
                "header is not valid JSON: line 1, column 6: Unexpected character ('}' (code 125)): expected a value");
        assertRejected(bytes("{}\0\0", new byte[0]), null, "header is not valid JSON: line 1, column 4: Illegal character"
                + " ((CTRL-CHAR, code 0)): only regular white space (\\r, \\n, \\t) is allowed between tokens");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String entry = "{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}";
        assertRejected(bytes("{\"a\":" + entry + ",\"a\":" + entry + "}", new byte[0]), null,
                "header is not valid JSON: line 1, column 55: duplicate key \"a\" in object");
    }

    @Test
    void metadataThatIsNotAnObjectOfStrings() throws IOException {
        assertRejected(bytes("{\"__metadata__\":[1]}", new byte[0]), null,
                "__metadata__ must be an object of strings but is an array ([1])");
        assertRejected(bytes("{\"__metadata__\":{\"ok\":\"x\",\"epoch\":3}}", new byte[0]), null,
                "__metadata__ must be an object of strings but key \"epoch\" holds a number (3)");
        assertRejected(bytes("{\"__metadata__\":null}", new byte[0]), null,
                "__metadata__ must be an object of strings but is null");
    }

    // ------------------------------------------------------------------ entries

    @Test
    void entryThatIsNotAnObject() throws IOException {
        assertRejected(bytes("{\"w\":[1]}", new byte[0]), "w",
                "entry must be an object with dtype, shape and data_offsets but is an array ([1])");
    }

    @Test
    void unexpectedOrMissingFields() throws IOException {
        assertRejected(bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"offsets\":[0,4]}}", new byte[4]), "w",
                "unexpected field \"offsets\" (an entry has exactly the fields dtype, shape and data_offsets)");
        assertRejected(bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "w",
                "missing field 'data_offsets' (an entry has exactly the fields dtype, shape and data_offsets)");
        assertRejected(bytes("{\"w\":{}}", new byte[0]), "w",
                "missing field 'dtype' (an entry has exactly the fields dtype, shape and data_offsets)");
    }

    @Test
    void dtypeThatIsNotAKnownName() throws IOException {
        assertRejected(entry("32", "[1]", "[0,4]", 4), "w", "dtype must be a string but is a number (32)");
        String known = "BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32,"
                + " F32, C64, F64, I64, U64";
        assertRejected(entry("\"F31\"", "[1]", "[0,4]", 4), "w", "unknown dtype \"F31\" (known: " + known + ")");
        assertRejected(entry("\"f32\"", "[1]", "[0,4]", 4), "w", "unknown dtype \"f32\" (known: " + known + ")");
    }

    @Test
    void shapeThatIsNotAListOfDimensions() throws IOException {
        assertRejected(entry("\"F32\"", "\"2x3\"", "[0,24]", 24), "w",
                "shape must be an array of non-negative integers but is a string (\"2x3\")");
        assertRejected(entry("\"F32\"", "[2,-3]", "[0,24]", 24), "w",
                "shape [2,-3] has element 1 = -3; dimensions must be non-negative integers");
        assertRejected(entry("\"F32\"", "[2.0]", "[0,8]", 8), "w",
                "shape [2.0] has element 0 = 2.0; dimensions must be non-negative integers");
        assertRejected(entry("\"F32\"", "[[2]]", "[0,8]", 8), "w",
                "shape [[2]] has element 0 = [2]; dimensions must be non-negative integers");
        assertRejected(entry("\"F32\"", "[2147483648]", "[0,8]", 8), "w",
                "shape [2147483648] has dimension 0 = 2147483648, more than the 2147483647 a Visor tensor dimension can hold");
    }

    @Test
    void dataOffsetsThatAreNotTwoNonNegativeIntegers() throws IOException {
        String problem = "data_offsets must be [begin, end] with two non-negative 64-bit integers but is ";
        assertRejected(entry("\"F32\"", "[1]", "[4]", 4), "w", problem + "[4]");
        assertRejected(entry("\"F32\"", "[1]", "[0,4,8]", 4), "w", problem + "[0,4,8]");
        assertRejected(entry("\"F32\"", "[1]", "[-1,3]", 4), "w", problem + "[-1,3]");
        assertRejected(entry("\"F32\"", "[1]", "[0,4.0]", 4), "w", problem + "[0,4.0]");
        assertRejected(entry("\"F32\"", "[1]", "[0,18446744073709551616]", 4), "w", problem + "[0,18446744073709551616]");
        assertRejected(entry("\"F32\"", "[1]", "{\"begin\":0}", 4), "w", problem + "{\"begin\":0}");
    }

    @Test
    void dataOffsetsThatEndBeforeTheyBegin() throws IOException {
        assertRejected(entry("\"F32\"", "[1]", "[8,4]", 8), "w", "data_offsets [8, 4] end before they begin");
    }

    @Test
    void byteCountThatDoesNotMatchTheShape() throws IOException {
        Path file = SafeTensorsFiles.write(dir, "model.safetensors",
                bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,24]}}", new byte[24]));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(file));
        assertEquals(file + ": tensor 'w': data_offsets [0, 24] hold 24 bytes but F32 shape [2, 4] needs 32", e.getMessage());
        assertRejected(entry("\"BF16\"", "[3]", "[0,4]", 4), "w", "data_offsets [0, 4] hold 4 bytes but BF16 shape [3] needs 6");
        assertRejected(entry("\"F32\"", "[]", "[0,0]", 0), "w", "data_offsets [0, 0] hold 0 bytes but F32 shape [] needs 4");
    }

    @Test
    void shapeWhoseSizeOverflows() throws IOException {
        assertRejected(entry("\"F32\"", "[2147483647,2147483647,2147483647]", "[0,4]", 4), "w",
                "F32 shape [2147483647, 2147483647, 2147483647] has more bits than fit in a 64-bit integer");
    }

    @Test
    void emptyShapesWhoseDimensionsOverflowAnIntAreRejectedOnRead() throws IOException {
        for (String shape : new String[] {"[46341,46341,0]", "[2147483647,2147483647,0]", "[0,65536,65536]"}) {
            Path file = SafeTensorsFiles.write(dir, "empty" + files++ + ".safetensors", entry("\"F32\"", shape, "[0,0]", 0));
            try (SafeTensorsFile f = SafeTensors.open(file)) { // the header is valid: the tensor holds no bytes
                SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> f.read("w"));
                String dims = shape.replace(",", ", ");
                assertEquals(file + ": tensor 'w': shape " + dims + " has 0 elements but its non-zero dimensions"
                        + " multiply past 2147483647, the most a tensor's int strides can span", e.getMessage());
            }
            assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
        }
    }

    @Test
    void subByteTypesMustFillWholeBytes() throws IOException {
        assertRejected(entry("\"F4\"", "[3]", "[0,2]", 2), "w", "F4 shape [3] needs 12 bits, which is not a whole number of bytes");
        Path ok = SafeTensorsFiles.write(dir, "f4.safetensors", entry("\"F4\"", "[4]", "[0,2]", 2));
        try (SafeTensorsFile f = SafeTensors.open(ok)) {
            assertEquals(2, f.info("w").byteCount());
        }
    }

    // ------------------------------------------------------------------ layout

    @Test
    void offsetsPastTheEndOfTheFile() throws IOException {
        assertRejected(entry("\"F32\"", "[8]", "[0,32]", 20), "w",
                "data_offsets [0, 32] end past the 20 bytes of data in the file (truncated file?)");
    }

    @Test
    void overlappingTensors() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        assertRejected(bytes(header, new byte[24]), "b", "data_offsets [8, 24] overlap tensor 'a' at [0, 16]");
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[8],\"data_offsets\":[0,16]}}";
        assertRejected(bytes(same, new byte[16]), "b", "data_offsets [0, 16] overlap tensor 'a' at [0, 16]");
        String emptyInside = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}";
        assertRejected(bytes(emptyInside, new byte[16]), "e", "data_offsets [8, 8] overlap tensor 'a' at [0, 16]");
    }

    @Test
    void holesBetweenTensors() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        assertRejected(bytes(header, new byte[20]), "b", "bytes [8, 12) of the data buffer, before this tensor's"
                + " data_offsets [12, 20], belong to no tensor (the tensors must cover the data buffer without gaps)");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        assertRejected(entry("\"F32\"", "[2]", "[0,8]", 12), null, "the last 4 bytes of the 12-byte data buffer (from"
                + " byte 8) belong to no tensor (the tensors must cover the data buffer up to the end of the file)");
        assertRejected(bytes("{}", new byte[3]), null, "the last 3 bytes of the 3-byte data buffer (from"
                + " byte 0) belong to no tensor (the tensors must cover the data buffer up to the end of the file)");
    }

    @Test
    void zeroSizedTensorsMayShareAnOffset() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"e1\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[8,8]},"
                + "\"e0\":{\"dtype\":\"F16\",\"shape\":[3,0],\"data_offsets\":[0,0]},"
                + "\"e2\":{\"dtype\":\"BF16\",\"shape\":[0],\"data_offsets\":[8,8]}}";
        Path file = SafeTensorsFiles.write(dir, "zeros.safetensors", bytes(header, new byte[8]));
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(java.util.List.of("e0", "a", "e1", "e2"), f.names());
            assertEquals(0, f.read("e1").numel());
        }
    }

    @Test
    void hostileNamesAreEscapedInMessages() throws IOException {
        String header = "{\"a'\\n\\u0000\\\\\":{\"dtype\":\"X\",\"shape\":[],\"data_offsets\":[0,0]}}";
        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> SafeTensors.open(SafeTensorsFiles.write(dir, "hostile.safetensors", bytes(header, new byte[0]))));
        assertEquals(Optional.of("a'\n\0\\"), e.tensor());
        assertEquals(true, e.getMessage().contains(": tensor 'a\\'\\u000A\\u0000\\\\': unknown dtype \"X\""), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] entry(String dtype, String shape, String offsets, int dataBytes) {
        return bytes("{\"w\":{\"dtype\":" + dtype + ",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}",
                new byte[dataBytes]);
    }

    private int files;

    private void assertRejected(byte[] content, String tensor, String problem) throws IOException {
        Path file = SafeTensorsFiles.write(dir, "bad" + files++ + ".safetensors", content);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(file));
        String expected = file + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ") + problem;
        assertEquals(expected, e.getMessage());
        assertEquals(file, e.file());
        assertEquals(Optional.ofNullable(tensor), e.tensor());
        assertEquals(problem, e.problem());
        // the one-shot reader reports the same problem
        assertEquals(expected, assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file)).getMessage());
    }
}
