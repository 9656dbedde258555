package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.visor.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the reader: valid files with bits flipped, cut short, or with their header
 * edited (numbers, shapes, dtypes, brackets, the length field). Whatever the damage, opening and
 * reading every tensor either succeeds or throws {@link SafeTensorsException}: never another
 * exception, an error, or a hang (each file gets {@value #SECONDS_PER_FILE} s).
 *
 * <p>{@value #DEFAULT_CASES} cases by default; {@code -Dvisor.fuzz.cases=10000} runs more, and
 * {@code -Dvisor.fuzz.seed=N} replays a run (a failure prints its seed and case).
 */
class SafeTensorsFuzzTest {
    static final int DEFAULT_CASES = 500;
    static final int SECONDS_PER_FILE = 10;

    /** Values for one field, the shapes empty but with dimensions that multiply past an int. */
    private static final Map<String, List<String>> FIELD_VALUES = Map.of(
            "shape", List.of("[46341,46341,0]", "[2147483647,2147483647,0]", "[0,2147483647,2147483647]", "[0]",
                    "[2147483648,0]", "[-1,0]", "[0,0,0,0,0,0,0,0]", "[]"),
            "dtype", List.of("\"F64\"", "\"I64\"", "\"F16\"", "\"BF16\"", "\"F4\"", "\"BOOL\"", "\"F8_E4M3\"", "\"f32\""),
            "data_offsets", List.of("[0,0]", "[8,4]", "[0,18446744073709551615]", "[9223372036854775800,9223372036854775807]",
                    "[24,24]", "[0,24]", "[1,1]"));

    /** Header fragments that have broken parsers before: bounds, signs, types, structure, escapes. */
    private static final List<String> FRAGMENTS = List.of("[46341,46341,0]", "[2147483647,2147483647,0]",
            "[0,2147483647,2147483647]", "[2147483648]", "[-1]", "[]", "[[1]]", "-1", "0", "1e999", "2.0",
            "18446744073709551616", "9223372036854775807", "null", "true", "\"F64\"", "\"I64\"", "\"F4\"", "\"BOOL\"",
            "\"F32\"", "\"\\uD800\"", "{", "}", "[", "]", ",", ":", "\"", "\"__metadata__\"", "{}", "\u0000", "\u00e9",
            "[0,18446744073709551615]", "[9223372036854775800,9223372036854775807]", "[8,4]");

    @Test
    void damagedFilesFailOnlyWithSafeTensorsException() throws IOException {
        int cases = Integer.getInteger("visor.fuzz.cases", DEFAULT_CASES);
        long seed = Long.getLong("visor.fuzz.seed", 20240607L);
        byte[] valid = validFile();
        SplittableRandom random = new SplittableRandom(seed);
        int rejected = 0;
        for (int i = 0; i < cases; i++) {
            byte[] mutated = mutate(valid, random);
            String where = "seed " + seed + ", case " + i + ", file " + abbreviatedHex(mutated);
            Path file = Path.of("fuzz.safetensors"); // read from memory; the name is for messages
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(SECONDS_PER_FILE), () -> readAll(file, mutated, where),
                    () -> "reading took more than " + SECONDS_PER_FILE + " s: " + where);
            rejected += ok ? 0 : 1;
        }
        // the mutations are meant to hurt: most damaged files must be rejected, or the fuzzer tests nothing
        if (rejected < cases / 2) {
            fail("only " + rejected + " of " + cases + " mutated files were rejected; the mutations are too weak");
        }
    }

    /** Opens and reads every tensor; true when the file was accepted, false when it was rejected. */
    private static boolean readAll(Path file, byte[] content, String where) {
        try (SafeTensorsFile f = SafeTensors.open(file, content)) {
            for (String name : f.names()) {
                Tensor t;
                try {
                    t = f.read(name);
                } catch (SafeTensorsException e) {
                    continue; // an unreadable dtype or an unaddressable shape: the file itself is fine
                }
                assertEquals(f.info(name).numel(), t.numel(), where);
            }
            return true;
        } catch (SafeTensorsException e) {
            return false;
        } catch (Throwable t) {
            throw new AssertionError("expected only SafeTensorsException but got " + t + " for " + where, t);
        }
    }

    private static byte[] validFile() throws IOException {
        Path tmp = Files.createTempFile("valid", ".safetensors");
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("encoder.weight", Tensor.of(new float[] {1, -2, 3.5f, 4, 5, 6}, 2, 3));
            tensors.put("bias", Tensor.of(new float[] {0.25f, -0.5f}, 2));
            tensors.put("empty", Tensor.zeros(0, 4));
            tensors.put("empty.too", Tensor.zeros(3, 0));
            tensors.put("scalar", Tensor.scalar(7));
            SafeTensors.write(tmp, tensors, Map.of("format", "pt", "step", "12"));
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] mutate(byte[] valid, SplittableRandom random) {
        long headerLength = ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        switch (random.nextInt(7)) {
            case 0: { // flip 1..8 bits anywhere
                byte[] out = valid.clone();
                for (int n = 1 + random.nextInt(8); n > 0; n--) {
                    int at = random.nextInt(out.length);
                    out[at] ^= (byte) (1 << random.nextInt(8));
                }
                return out;
            }
            case 1: // cut short
                return Arrays.copyOf(valid, random.nextInt(valid.length));
            case 2: { // a new header length field
                byte[] out = valid.clone();
                long n = random.nextBoolean() ? headerLength + random.nextInt(-16, 17) : random.nextLong();
                ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
                return out;
            }
            case 3:
            case 4: { // replace one field's whole value: a well-formed header with hostile values
                String header = new String(valid, 8, (int) headerLength, StandardCharsets.UTF_8);
                String field = random.nextBoolean() ? "shape" : random.nextBoolean() ? "dtype" : "data_offsets";
                Matcher m = Pattern.compile("\"" + field + "\":(\"[^\"]*\"|\\[[^\\]]*\\])").matcher(header);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(1), m.end(1)});
                }
                int[] span = spans.get(random.nextInt(spans.size()));
                List<String> values = random.nextInt(4) == 0 ? FRAGMENTS : FIELD_VALUES.get(field);
                String edited = header.substring(0, span[0]) + values.get(random.nextInt(values.size()))
                        + header.substring(span[1]);
                return withHeader(valid, headerLength, edited, random);
            }
            default: { // replace a random span of the header text by a fragment
                String header = new String(valid, 8, (int) headerLength, StandardCharsets.UTF_8);
                int from = random.nextInt(header.length());
                int to = Math.min(header.length(), from + random.nextInt(12));
                String edited = header.substring(0, from) + FRAGMENTS.get(random.nextInt(FRAGMENTS.size()))
                        + header.substring(to);
                return withHeader(valid, headerLength, edited, random);
            }
        }
    }

    /** {@code valid} with its header replaced by {@code edited}; the length field is the new one, or sometimes the old. */
    private static byte[] withHeader(byte[] valid, long headerLength, String edited, SplittableRandom random) {
        byte[] h = edited.getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(valid, 8 + (int) headerLength, valid.length);
        long length = random.nextInt(4) == 0 ? headerLength : h.length;
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return out.putLong(length).put(h).put(data).array();
    }

    private static String abbreviatedHex(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 400));
        return bytes.length + " bytes: " + hex + (bytes.length > 400 ? "..." : "");
    }
}
