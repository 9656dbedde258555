package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random models round-trip; damaged files (truncated at every length, bytes flipped, header
 * characters replaced, header length changed) fail only with {@link SafeTensorsException}, never with
 * an {@code ArrayIndexOutOfBoundsException}, {@code NegativeArraySizeException}, out-of-memory error or
 * any other exception.
 */
class SafeTensorsProperties {
    private static final Path NAME = Path.of("damaged.safetensors");
    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("safetensors-properties");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A model to save: named tensors and metadata. */
    record Model(Map<String, Tensor> tensors, Map<String, String> metadata) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Model{");
            tensors.forEach((k, v) -> sb.append(SafeTensorsException.quoteName(k)).append(Arrays.toString(v.shape())).append(' '));
            return sb.append("metadata=").append(metadata).append('}').toString();
        }
    }

    @Property
    void writeThenReadGivesTheSameTensorsAndMetadata(@ForAll("models") Model model) throws IOException {
        Path file = dir.resolve("round.safetensors");
        SafeTensors.write(file, model.tensors(), model.metadata());
        SafeTensors.Contents back = SafeTensors.read(file);

        List<String> sorted = new ArrayList<>(model.tensors().keySet());
        sorted.sort(SafeTensors.CODE_POINT_ORDER);
        assertEquals(sorted, new ArrayList<>(back.tensors().keySet()), "names in file order = sorted order");
        assertEquals(model.metadata(), back.metadata());
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            Tensor t = back.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), t.shape());
            assertArrayEquals(bits(e.getValue().toArray()), bits(t.toArray()));
        }
        assertEquals(0, (Files.size(file) - 8 - dataBytes(model)) % 8, "header padded to a multiple of 8");
        assertArrayEquals(Files.readAllBytes(file), validFile(model), "the in-memory bytes the other properties damage");
    }

    @Property
    void everyTruncationIsReportedAsSuch(@ForAll("models") Model model) {
        byte[] valid = validFile(model);
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> {
                try (SafeTensorsFile f = SafeTensors.open(NAME, truncated)) {
                    f.readAll();
                }
            });
            assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
        }
    }

    @Property
    void flippedBytesFailOnlyWithTheDocumentedException(@ForAll("models") Model model,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 0, max = 255) Integer> values) throws IOException {
        byte[] file = validFile(model);
        for (int i = 0; i < positions.size(); i++) {
            file[positions.get(i) % file.length] = (byte) (int) values.get(i);
        }
        readOrReject(file);
    }

    @Property
    void damagedHeaderTextFailsOnlyWithTheDocumentedException(@ForAll("models") Model model,
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
            @ForAll @Size(min = 3, max = 3) List<@IntRange(min = 0, max = 1 << 10) Integer> replacements)
            throws IOException {
        byte[] file = validFile(model);
        int headerLength = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLength == 0) {
            return;
        }
        String alphabet = "{}[],:\"\\ 0123456789-.eEu_FBI";
        for (int i = 0; i < positions.size(); i++) {
            file[8 + positions.get(i) % headerLength] = (byte) alphabet.charAt(replacements.get(i) % alphabet.length());
        }
        readOrReject(file);
    }

    @Property
    void wrongHeaderLengthsFailOnlyWithTheDocumentedException(@ForAll("models") Model model,
            @ForAll("headerLengths") long length) throws IOException {
        byte[] file = validFile(model);
        long actual = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length == 0 ? actual ^ 1 : length);
        readOrReject(file);
    }

    /** Reads every tensor; any failure other than SafeTensorsException fails the property. */
    private static void readOrReject(byte[] content) throws IOException {
        try (SafeTensorsFile f = SafeTensors.open(NAME, content)) {
            for (TensorInfo t : f.tensors()) {
                try {
                    Tensor read = f.read(t.name());
                    assertArrayEquals(t.shape(), read.shape());
                    assertEquals(t.numel(), read.toArray().length);
                } catch (SafeTensorsException e) {
                    // a damaged dtype may now name a type Visor does not read
                    assertTrue(e.getMessage().contains("unsupported dtype"), e.getMessage());
                }
            }
        } catch (SafeTensorsException expected) {
            assertTrue(expected.getMessage().startsWith(NAME + ": "), expected.getMessage());
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Model> models() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abz.09_-").withChars('é', '\u4E2D')
                .withCharRange('\uD83D', '\uD83D').ofMaxLength(6)
                .map(s -> s.replace("\uD83D", "\uD83D\uDE00")) // only whole surrogate pairs
                .filter(s -> !s.equals("__metadata__"));
        Arbitrary<Tensor> tensors = Arbitraries.integers().between(0, 3).flatMap(rank ->
                Arbitraries.integers().between(0, 4).array(int[].class).ofSize(rank).flatMap(shape -> {
                    int n = 1;
                    for (int d : shape) {
                        n *= d;
                    }
                    return Arbitraries.integers().array(int[].class).ofSize(n).map(bits -> {
                        float[] values = new float[bits.length];
                        for (int i = 0; i < bits.length; i++) {
                            values[i] = Float.intBitsToFloat(bits[i]);
                        }
                        return Tensor.wrap(values, shape);
                    });
                }));
        Arbitrary<Map<String, Tensor>> models = Arbitraries.maps(names, tensors).ofMaxSize(4)
                .map(LinkedHashMap::new);
        Arbitrary<Map<String, String>> metadata = Arbitraries.maps(names, names).ofMaxSize(2).map(LinkedHashMap::new);
        return Combinators.combine(models, metadata).as(Model::new);
    }

    @Provide
    Arbitrary<Long> headerLengths() {
        return Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(0, 1000),
                Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, SafeTensors.MAX_HEADER_LENGTH,
                        SafeTensors.MAX_HEADER_LENGTH + 1));
    }

    private static byte[] validFile(Model model) {
        return SafeTensors.toBytes(model.tensors(), model.metadata());
    }

    private static long dataBytes(Model model) {
        long n = 0;
        for (Tensor t : model.tensors().values()) {
            n += 4L * t.toArray().length;
        }
        return n;
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToIntBits(values[i]);
        }
        return out;
    }
}
