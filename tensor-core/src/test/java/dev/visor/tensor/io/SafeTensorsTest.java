package dev.visor.tensor.io;

import static dev.visor.tensor.io.SafeTensorsFiles.bytes;
import static dev.visor.tensor.io.SafeTensorsFiles.concat;
import static dev.visor.tensor.io.SafeTensorsFiles.f32;
import static dev.visor.tensor.io.SafeTensorsFiles.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------ the reference implementation's bytes

    @Test
    void writesTheSameBytesAsTheReferenceImplementation() throws IOException {
        // the byte-level expectations of huggingface/safetensors' own serialization tests
        Path file = dir.resolve("attn.safetensors");
        SafeTensors.write(file, Map.of("attn.0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)));
        String header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(64, header.length());
        assertArrayEquals(bytes(header, f32(0, 1, 2, 3, 4, 5)), Files.readAllBytes(file));

        SafeTensors.write(file, Map.of("attn0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)));
        String padded = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + " ".repeat(7);
        assertEquals(72, padded.length());
        assertArrayEquals(bytes(padded, f32(0, 1, 2, 3, 4, 5)), Files.readAllBytes(file));
    }

    @Test
    void writesEmptyFilesAndMetadataLikeTheReference() throws IOException {
        Path file = dir.resolve("empty.safetensors");
        SafeTensors.write(file, Map.of());
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '},
                Files.readAllBytes(file));
        SafeTensors.write(file, Map.of(), Map.of("framework", "pt"));
        assertArrayEquals(bytes("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new byte[0]), Files.readAllBytes(file));
        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(Map.of(), c.tensors());
        assertEquals(Map.of("framework", "pt"), c.metadata());
    }

    @Test
    void sortsTensorsAndMetadataByCodePointAndLaysDataOutInThatOrder() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.of(new float[] {2}, 1));
        tensors.put("\uFB01", Tensor.of(new float[] {4}, 1));         // U+FB01 sorts before U+1F600...
        tensors.put("\uD83D\uDE00", Tensor.of(new float[] {5}, 1));   // ...although String.compareTo says otherwise
        tensors.put("a.10", Tensor.of(new float[] {1}, 1));
        tensors.put("a.9", Tensor.of(new float[] {1.5f}, 1));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("z", "last");
        metadata.put("a", "first");
        Path file = dir.resolve("sorted.safetensors");
        SafeTensors.write(file, tensors, metadata);

        byte[] content = Files.readAllBytes(file);
        String header = new String(content, 8, content.length - 8 - 20, StandardCharsets.UTF_8).stripTrailing();
        assertEquals("{\"__metadata__\":{\"a\":\"first\",\"z\":\"last\"},"
                + "\"a.10\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a.9\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"\uFB01\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},"
                + "\"\uD83D\uDE00\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}", header);
        assertEquals(0, (content.length - 20 - 8) % 8, "header padded to a multiple of 8");
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(List.of("a.10", "a.9", "b", "\uFB01", "\uD83D\uDE00"), f.names());
            assertEquals(List.of("a", "z"), new ArrayList<>(f.metadata().keySet()));
        }
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void roundTripsScalarsEmptyTensorsViewsAndSpecialValues() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("scalar", Tensor.scalar(-3.5f));
        tensors.put("empty", Tensor.zeros(0, 3));
        tensors.put("empty.too", Tensor.zeros(4, 0, 2));
        tensors.put("specials", Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE}, 2, 3));
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        tensors.put("transposed", Tensor.viewOf(base, "transpose", new int[] {3, 2}, new int[] {1, 3}, 0, g -> null));
        tensors.put("row", Tensor.viewOf(base, "narrow", new int[] {3}, new int[] {1}, 3, g -> null));
        Path file = dir.resolve("round.safetensors");
        SafeTensors.write(file, tensors, Map.of("epoch", "3", "note", "ünïcödé ✓"));

        SafeTensors.Contents back = SafeTensors.read(file);
        assertEquals(List.of("empty", "empty.too", "row", "scalar", "specials", "transposed"),
                new ArrayList<>(back.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = back.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), t.shape(), e.getKey());
            assertArrayEquals(bits(e.getValue().toArray()), bits(t.toArray()), e.getKey());
        }
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.tensors().get("transposed").toArray());
        assertArrayEquals(new float[] {4, 5, 6}, back.tensors().get("row").toArray());
        assertEquals(Map.of("epoch", "3", "note", "ünïcödé ✓"), back.metadata());
    }

    @Test
    void roundTripsTensorsLargerThanOneReadChunk() throws IOException {
        int n = SafeTensorsFile.CHUNK_BYTES / 4 * 2 + 12346; // spans three chunks; a multiple of 3
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f - 7;
        }
        Path file = dir.resolve("big.safetensors");
        SafeTensors.write(file, Map.of("big", Tensor.wrap(values, 3, n / 3), "after", Tensor.scalar(9)));
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertArrayEquals(values, f.read("big").toArray());
            assertEquals(9f, f.read("after").item());
        }
    }

    @Test
    void readsLargeHalfTensorsAcrossChunks() throws IOException {
        int n = SafeTensorsFile.CHUNK_BYTES / 2 + 777;
        int[] bits = new int[n];
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            bits[i] = (i * 7919) & 0xFBFF; // finite halves of both signs (exponent bit 10 cleared: never 31)
            expected[i] = HalfFloats.halfToFloat((short) bits[i]);
        }
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + n + "],\"data_offsets\":[0," + 2 * n + "]}}";
        Path file = SafeTensorsFiles.write(dir, "half.safetensors", bytes(header, u16(bits)));
        assertArrayEquals(expected, SafeTensors.read(file).tensors().get("h").toArray());
    }

    // ------------------------------------------------------------------ hand-built files

    @Test
    void readsHandBuiltF32F16AndBf16Tensors() throws IOException {
        byte[] data = concat(
                u16(0x3C00, 0xC000, 0x0001, 0x03FF, 0x7BFF, 0x7C00, 0x8000, 0x7E00), // F16 [2, 4]
                u16(0x3F80, 0x4049, 0xFF80, 0x0001),                                 // BF16 [4]
                f32(1.5f, -2.25f, 1e-45f));                                          // F32 [3, 1]
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"shape\":[4],\"data_offsets\":[16,24],\"dtype\":\"BF16\"},"
                + "\"f\":{\"data_offsets\":[24,36],\"dtype\":\"F32\",\"shape\":[3,1]}}";
        Path file = SafeTensorsFiles.write(dir, "hand.safetensors", bytes(header, data));

        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(List.of("h", "b", "f"), new ArrayList<>(c.tensors().keySet()));
        assertEquals(Map.of(), c.metadata());
        Tensor h = c.tensors().get("h");
        assertArrayEquals(new int[] {2, 4}, h.shape());
        assertArrayEquals(bits(new float[] {1, -2, 0x1p-24f, 0x1p-14f - 0x1p-24f, 65504, Float.POSITIVE_INFINITY,
                -0.0f, Float.intBitsToFloat(0x7FC0_0000)}), bits(h.toArray()));
        assertArrayEquals(new float[] {1, 3.140625f, Float.NEGATIVE_INFINITY, 0x1p-133f}, c.tensors().get("b").toArray());
        assertArrayEquals(new int[] {3, 1}, c.tensors().get("f").shape());
        assertArrayEquals(new float[] {1.5f, -2.25f, 1e-45f}, c.tensors().get("f").toArray());
    }

    @Test
    void readsTheNumPyFixtureInFileOrder() throws IOException {
        Path file = dir.resolve("mixed_dtypes.safetensors");
        try (InputStream in = getClass().getResourceAsStream("mixed_dtypes.safetensors")) {
            Files.copy(in, file);
        }
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(List.of("half", "half_as_f32", "bf16", "bf16_as_f32", "empty", "f32", "scalar"), f.names(),
                    "file order is data order, not header order");
            assertEquals(Map.of("format", "pt", "source", "make_fixtures.py"), f.metadata());
            assertEquals(Dtype.F16, f.info("half").dtype());
            assertEquals(Dtype.BF16, f.info("bf16").dtype());

            Tensor half = f.read("half");
            Tensor numpy = f.read("half_as_f32");
            assertArrayEquals(new int[] {3, 8}, half.shape());
            assertArrayEquals(bitsRaw(numpy.toArray()), bitsRaw(half.toArray()), "F16 as NumPy converts it, NaN payloads included");
            assertArrayEquals(bitsRaw(f.read("bf16_as_f32").toArray()), bitsRaw(f.read("bf16").toArray()));
            assertArrayEquals(new float[] {1.5f, -0.0f, 1e-45f, 3.4028235e38f, -2.5f, 0.1f}, f.read("f32").toArray());
            assertEquals(0, f.read("scalar").dim());
            assertEquals(7.25f, f.read("scalar").item());
            assertArrayEquals(new int[] {0, 3}, f.read("empty").shape());
        }
    }

    // ------------------------------------------------------------------ partial reads

    @Test
    void opensAFileAndReadsOnlyWhatIsAskedFor() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                "b", Tensor.of(new float[] {7, 8}, 2)), Map.of("format", "pt"));
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(file, f.path());
            assertEquals(List.of("b", "w"), f.names());
            assertEquals(List.of(new TensorInfo("b", Dtype.F32, new int[] {2}, 0, 8),
                    new TensorInfo("w", Dtype.F32, new int[] {2, 3}, 8, 32)), f.tensors());
            TensorInfo w = f.info("w");
            assertEquals("'w' F32 [2, 3] at [8, 32]", w.toString());
            assertEquals(6, w.numel());
            assertEquals(24, w.byteCount());
            assertTrue(f.contains("b"));
            assertFalse(f.contains("x"));
            assertEquals(Optional.empty(), f.find("x"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.read("w").toArray());
            Map<String, Tensor> some = f.read(List.of("w", "b"));
            assertEquals(List.of("w", "b"), new ArrayList<>(some.keySet()));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.read("x"));
            assertEquals(file + ": no tensor named 'x'; the file holds ['b', 'w']", e.getMessage());
        }
    }

    @Test
    void listsAtMostTwentyNamesWhenATensorIsMissing() throws IOException {
        Map<String, Tensor> many = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            many.put(String.format("t%02d", i), Tensor.scalar(i));
        }
        Path file = dir.resolve("many.safetensors");
        SafeTensors.write(file, many);
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            String message = assertThrows(IllegalArgumentException.class, () -> f.info("nope")).getMessage();
            assertTrue(message.endsWith("'t18', 't19', ... (25 in all)]"), message);
        }
    }

    @Test
    void readingAfterCloseIsAnError() throws IOException {
        Path file = dir.resolve("closed.safetensors");
        SafeTensors.write(file, Map.of("a", Tensor.scalar(1)));
        SafeTensorsFile f = SafeTensors.open(file);
        f.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.read("a"));
        assertEquals(file + " is closed", e.getMessage());
    }

    @Test
    void otherDtypesOpenButCannotBeRead() throws IOException {
        String header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        Path file = SafeTensorsFiles.write(dir, "mixed.safetensors", bytes(header, concat(new byte[16], f32(3))));
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(Dtype.I64, f.info("ids").dtype());
            assertEquals(3f, f.read("w").item());
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> f.read("ids"));
            assertEquals(file + ": tensor 'ids': unsupported dtype I64 (Visor reads F32, F16 and BF16 into float32 tensors)",
                    e.getMessage());
            assertEquals(Optional.of("ids"), e.tensor());
            assertEquals(file, e.file());
            assertEquals("unsupported dtype I64 (Visor reads F32, F16 and BF16 into float32 tensors)", e.problem());
            assertThrows(SafeTensorsException.class, f::readAll);
        }
        assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
    }

    @Test
    void detectsAFileTruncatedAfterItWasOpened() throws IOException {
        Path file = dir.resolve("shrinking.safetensors");
        SafeTensors.write(file, Map.of("a", Tensor.zeros(100)));
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            long size = Files.size(file);
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(size - 10);
            }
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> f.read("a"));
            assertEquals(file + ": tensor 'a': file ended at byte " + (size - 10) + " while reading 10 more bytes"
                    + " (was it truncated after it was opened?)", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ what write refuses

    @Test
    void writeRefusesReservedNamesNullsAndInvalidStrings() {
        Path file = dir.resolve("never.safetensors");
        assertEquals("tensor name \"__metadata__\" is reserved for the metadata map", assertThrows(
                IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("__metadata__", Tensor.scalar(1))))
                .getMessage());
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("w", null);
        assertEquals("tensor \"w\" is null",
                assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, withNull)).getMessage());
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertEquals("metadata key \"k\" has a null value", assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of(), nullValue)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of("bad\uD800", Tensor.scalar(1))));
        assertFalse(Files.exists(file));
    }

    @Test
    void aFailedWriteLeavesThePreviousFile() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        SafeTensors.write(file, Map.of("a", Tensor.scalar(1)));
        byte[] before = Files.readAllBytes(file);
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of("a", Tensor.scalar(2)), Map.of("bad\uDC00", "x")));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToIntBits(values[i]);
        }
        return out;
    }

    private static int[] bitsRaw(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
