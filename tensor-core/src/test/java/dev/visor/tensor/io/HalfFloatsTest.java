package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    /**
     * The value of binary16 bits from the definition, in double arithmetic: (-1)^s · 2^(e-15) · (1 + f/1024),
     * subnormals (-1)^s · 2^-14 · f/1024. Null for NaN.
     */
    static Double halfByDefinition(int bits) {
        double sign = (bits & 0x8000) != 0 ? -1.0 : 1.0;
        int e = (bits >> 10) & 0x1F;
        int f = bits & 0x3FF;
        if (e == 31) {
            return f == 0 ? sign * Double.POSITIVE_INFINITY : null;
        }
        if (e == 0) {
            return sign * Math.pow(2, -14) * (f / 1024.0);
        }
        return sign * Math.pow(2, e - 15) * (1 + f / 1024.0);
    }

    @Test
    void everyHalfValueMatchesTheDefinition() {
        for (int bits = 0; bits < 65536; bits++) {
            float actual = HalfFloats.halfToFloat((short) bits);
            Double expected = halfByDefinition(bits);
            if (expected == null) {
                assertTrue(Float.isNaN(actual), () -> "NaN expected");
                int raw = Float.floatToRawIntBits(actual);
                // sign kept, payload kept in the top of the fraction
                assertEquals(((bits & 0x8000) << 16) | 0x7F80_0000 | ((bits & 0x3FF) << 13), raw,
                        String.format("NaN 0x%04X", bits));
            } else {
                // every binary16 value is exact in binary32 and in double, so the comparison is exact
                assertEquals((double) expected, (double) actual, 0.0, String.format("0x%04X", bits));
                assertEquals(Float.floatToRawIntBits(expected.floatValue()), Float.floatToRawIntBits(actual),
                        String.format("bits of 0x%04X (sign of zero)", bits));
            }
        }
    }

    @Test
    void everyHalfValueMatchesNumPy() throws IOException, NoSuchAlgorithmException {
        // f16_to_f32.sha256 was made by make_fixtures.py from numpy's float16 -> float32 conversion
        ByteBuffer all = ByteBuffer.allocate(4 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits = 0; bits < 65536; bits++) {
            all.putInt(Float.floatToRawIntBits(HalfFloats.halfToFloat((short) bits)));
        }
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.array()));
        try (InputStream in = HalfFloatsTest.class.getResourceAsStream("f16_to_f32.sha256")) {
            String expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertEquals(expected, actual);
        }
    }

    @Test
    void agreesWithTheJdkWhereTheJdkHasAConversion() throws ReflectiveOperationException {
        Method jdk;
        try {
            jdk = Float.class.getMethod("float16ToFloat", short.class); // JDK 20+
        } catch (NoSuchMethodException onJdk17) {
            return; // nothing to compare against; the definition test above still runs
        }
        for (int bits = 0; bits < 65536; bits++) {
            float expected = (float) jdk.invoke(null, (short) bits);
            float actual = HalfFloats.halfToFloat((short) bits);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(actual));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        String.format("0x%04X", bits));
            }
        }
    }

    @Test
    void namedHalfValues() {
        assertEquals(1.0f, HalfFloats.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, HalfFloats.halfToFloat((short) 0xC000));
        assertEquals(65504f, HalfFloats.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.halfToFloat((short) 0x0001));
        assertEquals(0x1p-14f - 0x1p-24f, HalfFloats.halfToFloat((short) 0x03FF));
        assertEquals(0x1p-14f, HalfFloats.halfToFloat((short) 0x0400));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.halfToFloat((short) 0xFC00));
        assertEquals(0x8000_0000, Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000)));
        assertEquals(0x7FC0_0000, Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x7E00)));
    }

    @Test
    void everyBfloat16ValueMatchesTheDefinition() {
        for (int bits = 0; bits < 65536; bits++) {
            double sign = (bits & 0x8000) != 0 ? -1.0 : 1.0;
            int e = (bits >> 7) & 0xFF;
            int f = bits & 0x7F;
            float actual = HalfFloats.bfloat16ToFloat((short) bits);
            if (e == 255 && f != 0) {
                assertTrue(Float.isNaN(actual));
                assertEquals(bits << 16, Float.floatToRawIntBits(actual), "payload");
                continue;
            }
            double expected = e == 255 ? sign * Double.POSITIVE_INFINITY
                    : e == 0 ? sign * Math.pow(2, -126) * (f / 128.0)
                    : sign * Math.pow(2, e - 127) * (1 + f / 128.0);
            assertEquals(expected, actual, 0.0, String.format("0x%04X", bits));
            assertEquals(Math.copySign(1.0, expected), Math.copySign(1.0, actual), "sign of zero");
        }
        assertEquals(3.140625f, HalfFloats.bfloat16ToFloat((short) 0x4049));
    }
}
