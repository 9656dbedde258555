package dev.visor.tensor.io;

import dev.visor.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 *
 * <pre>
 * [ N: u64 little-endian ][ N bytes of UTF-8 JSON header ][ data buffer ]
 * header = {"__metadata__": {"k": "v", ...},
 *           "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * </pre>
 *
 * where {@code data_offsets} count bytes from the start of the data buffer and elements are
 * little-endian in row-major order.
 *
 * <p><b>Writing</b> lays float32 tensors out as the reference implementation does: sorted by name
 * (code point order) in the header and back to back in the data buffer, metadata (if any) first,
 * compact JSON padded with spaces to a multiple of 8 bytes, so the bytes are the reference's own
 * (the reference orders metadata keys by hash; Visor sorts them, so output is deterministic). The
 * file is replaced atomically ({@link AtomicFiles}).
 *
 * <p><b>Reading</b> accepts F32, F16 and BF16 tensors and widens the 16-bit types to float32 exactly
 * ({@link HalfFloats}). Tensors of other known types (I64, F64, U8, ...) do not stop a file from
 * opening; reading one throws {@code unsupported dtype I64}. The header is validated before any
 * tensor is read:
 * <ol>
 *   <li>the file holds at least the 8-byte header length N, and N ≤ {@value #MAX_HEADER_LENGTH}
 *       and N ≤ file size − 8;</li>
 *   <li>the header is valid UTF-8, starts with '{' and is one well-formed JSON object without
 *       duplicate keys (trailing spaces, the format's padding, are fine);</li>
 *   <li>{@code __metadata__}, if present, is an object whose values are strings;</li>
 *   <li>every other member is an object with exactly the fields {@code dtype} (a known type name),
 *       {@code shape} (integers in 0..2^31−1) and {@code data_offsets} (two integers
 *       {@code begin ≤ end});</li>
 *   <li>{@code end − begin} is the element count times the element width, a whole number of bytes,
 *       computed without overflow;</li>
 *   <li>{@code end} lies inside the data buffer (otherwise the file is truncated);</li>
 *   <li>as the reference implementation requires, the tensors tile the data buffer: sorted by
 *       offset, each starts where the previous one ended, so no two overlap, there are no holes,
 *       and the last one ends at the end of the file. Unaccounted bytes are most often the sign of a
 *       wrong offset, so they are rejected rather than skipped.</li>
 * </ol>
 * Every problem is a {@link SafeTensorsException} naming the file, the tensor and the values, e.g.
 * {@code model.safetensors: tensor 'w': data_offsets [0, 24] hold 24 bytes but F32 shape [2, 4] needs 32}.
 * Tensors are read with positional reads in bounded chunks, so reading needs memory for the tensors
 * asked for, not for the file.
 *
 * <pre>{@code
 * SafeTensors.write(path, Map.of("w", w, "b", b), Map.of("format", "pt"));
 * SafeTensors.Contents c = SafeTensors.read(path);
 * Tensor w2 = c.tensors().get("w");
 *
 * try (SafeTensorsFile f = SafeTensors.open(path)) {   // read one tensor, leave the rest on disk
 *     Tensor b2 = f.read("b");
 * }
 * }</pre>
 */
public final class SafeTensors {
    /** The largest header accepted, in bytes (the reference implementation's limit). */
    public static final long MAX_HEADER_LENGTH = 100_000_000;

    /** Floats converted to little-endian bytes per write call. */
    private static final int WRITE_CHUNK_FLOATS = 1 << 14;

    private SafeTensors() {}

    /**
     * All tensors of a file, in file order, and its metadata.
     *
     * @param tensors  name → tensor in file order (by data offset); unmodifiable
     * @param metadata the {@code __metadata__} strings in header order; empty when absent; unmodifiable
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /**
         * Wraps both maps as unmodifiable views.
         *
         * @param tensors the tensors by name
         * @param metadata the metadata
         */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Opens {@code file} and validates its header, leaving the tensors on disk until asked for.
     *
     * @param file the file
     * @return the open file; close it when done
     * @throws SafeTensorsException when the header or the layout is invalid
     * @throws IOException          when the file cannot be opened or read
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        return open(file, ByteSource.of(FileChannel.open(file, StandardOpenOption.READ)));
    }

    /** Opens {@code content} as if it were {@code file} (tests fuzz in memory, without the disk). */
    static SafeTensorsFile open(Path file, byte[] content) throws IOException {
        return open(file, ByteSource.of(content));
    }

    private static SafeTensorsFile open(Path file, ByteSource source) throws IOException {
        try {
            return new SafeTensorsFile(file, source, SafeTensorsHeader.read(file, source));
        } catch (IOException | RuntimeException | Error e) {
            try {
                source.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Reads every tensor of {@code file} and its metadata.
     *
     * @param file the file
     * @return the tensors, in file order, and the metadata
     * @throws SafeTensorsException when the file is invalid or holds a tensor whose dtype is not F32,
     *                              F16 or BF16 (use {@link #open(Path)} to read the others)
     */
    public static Contents read(Path file) throws IOException {
        try (SafeTensorsFile f = open(file)) {
            return new Contents(f.readAll(), f.metadata());
        }
    }

    /** The bytes {@link #write(Path, Map, Map)} would write (tests fuzz in memory, without the disk). */
    static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            List<Map.Entry<String, Tensor>> sorted = sortedByName(tensors);
            writeTo(out, header(sorted, metadata), sorted);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code tensors} as F32 to {@code file}, atomically, without metadata.
     *
     * @param file the file
     * @param tensors the tensors by name
     * @throws IOException when the file cannot be written; an existing {@code file} is then unchanged
     */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} as F32 and {@code metadata} to {@code file}, atomically: tensors sorted by
     * name, metadata (omitted when empty) sorted by key.
     *
     * @param file the file
     * @param tensors the tensors by name
     * @param metadata the metadata
     * @throws IllegalArgumentException when a name is {@code "__metadata__"}, a tensor or metadata
     *                                  value is null, a string is not valid Unicode, or the header
     *                                  would exceed {@link #MAX_HEADER_LENGTH}
     * @throws IOException when the file cannot be written; an existing {@code file} is then unchanged
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Objects.requireNonNull(file, "file");
        List<Map.Entry<String, Tensor>> sorted = sortedByName(tensors);
        byte[] header = header(sorted, metadata);
        AtomicFiles.write(file, out -> writeTo(out, header, sorted));
    }

    /** The padded header for tensors already validated and sorted by {@link #sortedByName}, and {@code metadata}. */
    private static byte[] header(List<Map.Entry<String, Tensor>> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, String> meta = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>(metadata.keySet());
            for (String k : keys) {
                if (k == null) {
                    throw new IllegalArgumentException("metadata has a null key");
                }
                if (metadata.get(k) == null) {
                    throw new IllegalArgumentException("metadata key " + HeaderJson.quote(k) + " has a null value");
                }
            }
            keys.sort(CODE_POINT_ORDER);
            for (String k : keys) {
                meta.put(k, metadata.get(k));
            }
            header.put(SafeTensorsHeader.METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors) {
            int[] shape = e.getValue().shape();
            long bytes = 4;
            for (int d : shape) {
                bytes *= d;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", shape);
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = HeaderJson.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("the header for " + tensors.size() + " tensors would take " + padded
                    + " bytes, more than the " + MAX_HEADER_LENGTH + " that readers accept");
        }
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static List<Map.Entry<String, Tensor>> sortedByName(Map<String, Tensor> tensors) {
        Objects.requireNonNull(tensors, "tensors");
        List<Map.Entry<String, Tensor>> sorted = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null) {
                throw new IllegalArgumentException("a tensor has a null name");
            }
            if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name \"" + name + "\" is reserved for the metadata map");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("tensor " + HeaderJson.quote(name) + " is null");
            }
            sorted.add(Map.entry(name, e.getValue()));
        }
        sorted.sort(Map.Entry.comparingByKey(CODE_POINT_ORDER));
        return sorted;
    }

    private static void writeTo(OutputStream out, byte[] header, List<Map.Entry<String, Tensor>> tensors)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * WRITE_CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(0, header.length);
        out.write(buffer.array(), 0, 8);
        out.write(header);
        for (Map.Entry<String, Tensor> e : tensors) {
            float[] values = e.getValue().contiguous().storage(); // row-major, offset 0, exactly numel long
            for (int from = 0; from < values.length; from += WRITE_CHUNK_FLOATS) {
                int n = Math.min(WRITE_CHUNK_FLOATS, values.length - from);
                buffer.clear();
                buffer.asFloatBuffer().put(values, from, n);
                out.write(buffer.array(), 0, 4 * n);
            }
        }
    }

    /**
     * Orders strings by Unicode code point, which is the byte order of their UTF-8 encodings and so
     * the order the reference implementation sorts names in ({@link String#compareTo} differs for
     * characters above U+FFFF).
     */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };
}
