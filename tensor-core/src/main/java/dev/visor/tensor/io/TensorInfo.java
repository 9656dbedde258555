package dev.visor.tensor.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a safetensors header: a tensor's name, element type, shape and where its bytes lie
 * in the data buffer (the part of the file after the header; offsets count from its start).
 * Instances come from {@link SafeTensorsFile#tensors()} and have been validated: the byte range
 * matches the shape and type, and lies inside the file.
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensors.open(path)) {
 *     TensorInfo w = f.info("encoder.layers.0.linear1.weight");
 *     w.shape();       // [2048, 512]
 *     w.byteCount();   // 4194304
 * }
 * }</pre>
 */
public final class TensorInfo {
    private final String name;
    private final Dtype dtype;
    private final int[] shape;
    private final long begin;
    private final long end;

    TensorInfo(String name, Dtype dtype, int[] shape, long begin, long end) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.begin = begin;
        this.end = end;
    }

    /**
     * The tensor's name (its key in the header).
     *
     * @return the tensor's name (its key in the header)
     */
    public String name() {
        return name;
    }

    /**
     * The element type stored in the file.
     *
     * @return the element type stored in the file
     */
    public Dtype dtype() {
        return dtype;
    }

    /**
     * A copy of the shape; {@code []} for a scalar.
     *
     * @return a copy of the shape; {@code []} for a scalar
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of elements (1 for a scalar, 0 when a dimension is 0).
     *
     * @return the number of elements (1 for a scalar, 0 when a dimension is 0)
     */
    public long numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * First byte of the tensor in the data buffer ({@code data_offsets[0]}).
     *
     * @return first byte of the tensor in the data buffer ({@code data_offsets[0]})
     */
    public long begin() {
        return begin;
    }

    /**
     * One past the last byte of the tensor in the data buffer ({@code data_offsets[1]}).
     *
     * @return one past the last byte of the tensor in the data buffer ({@code data_offsets[1]})
     */
    public long end() {
        return end;
    }

    /**
     * {@code end() - begin()}.
     *
     * @return {@code end() - begin()}
     */
    public long byteCount() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorInfo)) {
            return false;
        }
        TensorInfo t = (TensorInfo) o;
        return name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    /** {@code 'w' F32 [2, 3] at [0, 24]}. */
    @Override
    public String toString() {
        return SafeTensorsException.quoteName(name) + " " + dtype + " " + Arrays.toString(shape)
                + " at [" + begin + ", " + end + "]";
    }
}
