package dev.visor.tensor.io;

import dev.visor.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open safetensors file whose header has been read and validated, for reading some or all of
 * its tensors without loading the rest. Tensors are read with positional reads in chunks of at most
 * {@value #CHUNK_BYTES} bytes straight into each tensor's float array, so memory use is the size of
 * the tensors asked for, never the size of the file. F16 and BF16 are widened to float32 exactly
 * ({@link HalfFloats}); other types are reported, on read, as unsupported.
 *
 * <p>Reads are thread-safe. Obtain instances from {@link SafeTensors#open(Path)} and close them.
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensors.open(Path.of("model.safetensors"))) {
 *     for (TensorInfo t : f.tensors()) {
 *         System.out.println(t);                       // 'w' F32 [2, 3] at [0, 24]
 *     }
 *     Tensor w = f.read("encoder.layers.0.linear1.weight");
 * }
 * }</pre>
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Largest buffer used for one positional read. */
    static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final ByteSource source;
    private final SafeTensorsHeader header;
    private final Map<String, TensorInfo> byName;
    private volatile boolean closed;

    SafeTensorsFile(Path file, ByteSource source, SafeTensorsHeader header) {
        this.file = file;
        this.source = source;
        this.header = header;
        Map<String, TensorInfo> map = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors) {
            map.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /**
     * The file this reads.
     *
     * @return the file this reads
     */
    public Path path() {
        return file;
    }

    /**
     * The {@code __metadata__} string map in header order; empty when the file has none.
     *
     * @return the {@code __metadata__} string map in header order; empty when the file has none
     */
    public Map<String, String> metadata() {
        return header.metadata;
    }

    /**
     * Every tensor's entry in file order (by data offset).
     *
     * @return every tensor's entry in file order (by data offset)
     */
    public List<TensorInfo> tensors() {
        return header.tensors;
    }

    /**
     * The tensor names in file order.
     *
     * @return the tensor names in file order
     */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * True when the file holds a tensor named {@code name}.
     *
     * @param name the name
     * @return true when the file holds a tensor named {@code name}
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The entry of tensor {@code name}, if the file holds one.
     *
     * @param name the name
     * @return the entry of tensor {@code name}, if the file holds one
     */
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The entry of tensor {@code name}.
     *
     * @param name the name
     * @return the entry of tensor {@code name}
     * @throws IllegalArgumentException naming the file, the tensor and (some of) the names it holds
     */
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            StringBuilder shown = new StringBuilder();
            int i = 0;
            for (String n : byName.keySet()) {
                if (i == 20) {
                    shown.append(", ... (").append(byName.size()).append(" in all)");
                    break;
                }
                shown.append(i++ == 0 ? "" : ", ").append(SafeTensorsException.quoteName(n));
            }
            throw new IllegalArgumentException(file + ": no tensor named " + SafeTensorsException.quoteName(name)
                    + "; the file holds [" + shown + "]");
        }
        return t;
    }

    /**
     * Reads tensor {@code name} as a new float32 tensor.
     *
     * @param name the name
     * @return the tensor
     * @throws IllegalArgumentException when the file holds no tensor of that name
     * @throws SafeTensorsException     when its dtype is not F32, F16 or BF16, when it has more
     *                                  elements than a tensor can hold, or when the file has been
     *                                  truncated since it was opened
     * @throws IllegalStateException    after {@link #close()}
     */
    public Tensor read(String name) throws IOException {
        return read(info(name));
    }

    /**
     * Reads the named tensors, in the order given, as a name → tensor map.
     *
     * @param names the tensor names
     * @return the tensors by name
     * @throws IOException when the file cannot be read or a tensor's data is malformed ({@link SafeTensorsException})
     */
    public Map<String, Tensor> read(Collection<String> names) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, read(name));
        }
        return out;
    }

    /**
     * Reads every tensor, in file order.
     *
     * @return the tensors by name, in file order
     * @throws SafeTensorsException naming the first tensor whose dtype is not readable
     */
    public Map<String, Tensor> readAll() throws IOException {
        for (TensorInfo t : header.tensors) {
            checkReadable(t);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors) {
            out.put(t.name(), read(t));
        }
        return out;
    }

    private Tensor read(TensorInfo t) throws IOException {
        if (closed) {
            throw new IllegalStateException(file + " is closed");
        }
        checkReadable(t);
        int elementBytes = t.dtype().bits() / 8;
        int numel = (int) t.numel();
        float[] values = new float[numel];
        int chunkElements = CHUNK_BYTES / elementBytes;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, t.byteCount()))
                .order(ByteOrder.LITTLE_ENDIAN);
        long position = header.dataStart + t.begin();
        for (int done = 0; done < numel; ) {
            int n = Math.min(numel - done, chunkElements);
            buffer.clear().limit(n * elementBytes);
            SafeTensorsHeader.readFully(file, t.name(), source, buffer, position);
            buffer.flip();
            decode(t.dtype(), buffer, values, done, n);
            done += n;
            position += (long) n * elementBytes;
        }
        return Tensor.wrap(values, t.shape());
    }

    private static void decode(Dtype dtype, ByteBuffer bytes, float[] out, int offset, int n) {
        switch (dtype) {
            case F32:
                bytes.asFloatBuffer().get(out, offset, n);
                break;
            case F16:
                float[] table = HalfTable.VALUES;
                for (int i = 0; i < n; i++) {
                    out[offset + i] = table[bytes.getShort(2 * i) & 0xFFFF];
                }
                break;
            case BF16:
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.bfloat16ToFloat(bytes.getShort(2 * i));
                }
                break;
            default:
                throw new AssertionError(dtype);
        }
    }

    private void checkReadable(TensorInfo t) throws SafeTensorsException {
        if (!t.dtype().readable()) {
            throw new SafeTensorsException(file, t.name(), "unsupported dtype " + t.dtype()
                    + " (Visor reads F32, F16 and BF16 into float32 tensors)");
        }
        // Java arrays hold at most a little under 2^31 elements
        if (t.numel() > Integer.MAX_VALUE - 8) {
            throw new SafeTensorsException(file, t.name(), "shape " + Arrays.toString(t.shape()) + " has "
                    + t.numel() + " elements, more than the " + (Integer.MAX_VALUE - 8) + " a tensor can hold");
        }
        // a tensor's int strides span the product of its non-zero dimensions, even when a zero
        // dimension leaves it empty ([46341, 46341, 0] has no elements but a leading stride of 46341^2)
        long span = 1;
        for (int d : t.shape()) {
            span *= Math.max(d, 1);
            if (span > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, t.name(), "shape " + Arrays.toString(t.shape()) + " has "
                        + t.numel() + " elements but its non-zero dimensions multiply past " + Integer.MAX_VALUE
                        + ", the most a tensor's int strides can span");
            }
        }
    }

    /**
     * Every half value widened, built on first use: a lookup in this 256 KiB table is branch-free,
     * while {@link HalfFloats#halfToFloat} branches on the exponent (about 1.7× faster on mixed
     * exponents in a quick, noisy measurement).
     */
    private static final class HalfTable {
        static final float[] VALUES = new float[1 << 16];

        static {
            for (int bits = 0; bits < VALUES.length; bits++) {
                VALUES[bits] = HalfFloats.halfToFloat((short) bits);
            }
        }
    }

    /** Closes the file; later reads throw {@link IllegalStateException}. */
    @Override
    public void close() throws IOException {
        closed = true;
        source.close();
    }
}
