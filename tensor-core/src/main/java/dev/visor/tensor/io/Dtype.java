package dev.visor.tensor.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types the safetensors format knows, with their widths. Visor reads {@link #F32},
 * {@link #F16} and {@link #BF16} (converted to float32) and writes {@link #F32}; files holding other
 * types still open, and only reading such a tensor fails.
 *
 * <pre>{@code
 * Dtype t = Dtype.byName("BF16").orElseThrow();
 * t.bits();        // 16
 * t.readable();    // true
 * }</pre>
 */
public enum Dtype {
    /** Boolean, one byte. */
    BOOL(8),
    /** 4-bit float (E2M1, OCP microscaling); two elements per byte. */
    F4(4),
    /** 6-bit float (E2M3, OCP microscaling). */
    F6_E2M3(6),
    /** 6-bit float (E3M2, OCP microscaling). */
    F6_E3M2(6),
    /** Unsigned 8-bit integer. */
    U8(8),
    /** Signed 8-bit integer. */
    I8(8),
    /** 8-bit float, 5 exponent and 2 mantissa bits. */
    F8_E5M2(8),
    /** 8-bit float, 4 exponent and 3 mantissa bits. */
    F8_E4M3(8),
    /** 8-bit power-of-two scale (OCP microscaling). */
    F8_E8M0(8),
    /** Signed 16-bit integer. */
    I16(16),
    /** Unsigned 16-bit integer. */
    U16(16),
    /** IEEE 754 binary16; read into float32 exactly. */
    F16(16),
    /** bfloat16; read into float32 exactly. */
    BF16(16),
    /** Signed 32-bit integer. */
    I32(32),
    /** Unsigned 32-bit integer. */
    U32(32),
    /** IEEE 754 binary32; read and written. */
    F32(32),
    /** Complex number of two float32 parts. */
    C64(64),
    /** IEEE 754 binary64. */
    F64(64),
    /** Signed 64-bit integer. */
    I64(64),
    /** Unsigned 64-bit integer. */
    U64(64);

    private final int bits;

    Dtype(int bits) {
        this.bits = bits;
    }

    /**
     * Width of one element in bits (4 and 6 for the sub-byte float types, else a multiple of 8).
     *
     * @return the element width in bits
     */
    public int bits() {
        return bits;
    }

    /**
     * True for the types Visor converts to float32 tensors: F32, F16 and BF16.
     *
     * @return true for the types Visor converts to float32 tensors: F32, F16 and BF16
     */
    public boolean readable() {
        return this == F32 || this == F16 || this == BF16;
    }

    /**
     * The type whose safetensors name is {@code name} (exact, upper case), if there is one.
     *
     * @param name the name
     * @return the type whose safetensors name is {@code name} (exact, upper case), if there is one
     */
    public static Optional<Dtype> byName(String name) {
        for (Dtype t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** "BOOL, F4, ..." for error messages. */
    static String allNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
