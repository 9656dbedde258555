package dev.visor.tensor.io;

/**
 * Exact widening of 16-bit floats to float32, for reading F16 and BF16 tensors.
 *
 * <p>IEEE 754 binary16 ({@code F16}): 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits, so a
 * value is {@code (-1)^s · 2^(e-15) · 1.f} for {@code 1 ≤ e ≤ 30}, {@code (-1)^s · 2^-14 · 0.f}
 * (subnormal) for {@code e = 0}, and infinity or NaN for {@code e = 31}. bfloat16 ({@code BF16}) is the
 * top half of a float32: 1 sign bit, 8 exponent bits (bias 127), 7 fraction bits. Every value of
 * either format is exactly representable as a float32, so both conversions are exact; NaNs keep
 * their sign and payload (shifted into the top of the float32 fraction, as hardware conversions and
 * {@code Float.float16ToFloat} of JDK 20+ do), so a signalling NaN stays signalling.
 *
 * <pre>{@code
 * float one = HalfFloats.halfToFloat((short) 0x3C00);      // 1.0f
 * float tiny = HalfFloats.halfToFloat((short) 0x0001);     // 2^-24, the smallest subnormal
 * float pi = HalfFloats.bfloat16ToFloat((short) 0x4049);   // 3.140625f
 * }</pre>
 */
public final class HalfFloats {
    private HalfFloats() {}

    /**
     * The float32 value of IEEE 754 binary16 bits (exact; NaN payloads kept).
     *
     * @param half the half-precision bits
     * @return the float32 value of IEEE 754 binary16 bits (exact; NaN payloads kept)
     */
    public static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int fraction = bits & 0x3FF;
        if (exponent == 0x1F) {
            // infinity (fraction 0) or NaN: keep the payload in the top fraction bits
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (fraction << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: fraction · 2^-24; both factors are exact in float32 and so is the product
            float magnitude = fraction * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // normal: rebias the exponent from 15 to 127 and widen the fraction from 10 to 23 bits
        return Float.intBitsToFloat(sign | ((exponent + (127 - 15)) << 23) | (fraction << 13));
    }

    /**
     * The float32 value of bfloat16 bits (exact: bfloat16 is the top half of a float32).
     *
     * @param bfloat16 the bfloat16 bits
     * @return the float32 value of bfloat16 bits (exact: bfloat16 is the top half of a float32)
     */
    public static float bfloat16ToFloat(short bfloat16) {
        return Float.intBitsToFloat((bfloat16 & 0xFFFF) << 16);
    }
}
