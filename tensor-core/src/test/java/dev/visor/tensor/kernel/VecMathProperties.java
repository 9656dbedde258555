package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link VecMath} against {@link VecMath.Reference} through the public API (whichever path this
 * JVM runs), on lengths that leave every kind of vector tail and on exp inputs spanning its whole
 * domain: the overflow and underflow thresholds, the subnormal range and the special values.
 */
class VecMathProperties {

    private static final float[] SPECIAL = {
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
        Float.MAX_VALUE, -Float.MAX_VALUE, 88.72283f, 88.722839f, 88.72284f, 88.7229f, -87.33654f, -87.33655f,
        -88f, -100f, -103.9f, -103.97207f, -103.97208f, -103.9721f, -104f, -104.5f, 1e-7f, -1e-7f, 0.34657359f,
        -0.34657359f, 0.6931472f, 1f, -1f, 10f, -10f,
    };

    /** Values over exp's whole domain: mostly [-110, 95], some near the thresholds, some special. */
    static float[] wide(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            int kind = rng.nextInt(10);
            if (kind == 0) {
                x[i] = SPECIAL[rng.nextInt(SPECIAL.length)];
            } else if (kind == 1) {
                float[] edges = {88.72283f, -87.33654f, -103.97208f, 0f};
                x[i] = edges[rng.nextInt(edges.length)] + (float) ((rng.nextDouble() - 0.5) * 1e-3);
            } else if (kind == 2) {
                x[i] = (float) ((rng.nextDouble() - 0.5) * 2);
            } else {
                x[i] = (float) (rng.nextDouble() * 205 - 110);
            }
        }
        return x;
    }

    @Property
    void expIsWithinTwoUlpOfMathExp(@ForAll @IntRange(max = 200) int n, @ForAll @IntRange(max = 17) int off,
                                    @ForAll long seed) {
        float[] x = wide(new SplittableRandom(seed), off + n);
        float[] y = new float[n + 2];
        VecMath.exp(x, off, y, 2, n);
        for (int i = 0; i < n; i++) {
            assertExpClose(x[off + i], y[2 + i]);
            assertEquals(Float.floatToRawIntBits(VecMath.exp(x[off + i])), Float.floatToRawIntBits(y[2 + i]),
                    "the scalar exp and the array exp agree bitwise at x=" + x[off + i]);
        }
    }

    @Property
    void expOfOneValueIsWithinTwoUlp(@ForAll @FloatRange(min = -120f, max = 100f) float x) {
        assertExpClose(x, VecMath.exp(x));
    }

    @Example
    void expHandlesTheSpecialValues() {
        float[] y = new float[SPECIAL.length];
        VecMath.exp(SPECIAL, 0, y, 0, SPECIAL.length);
        for (int i = 0; i < SPECIAL.length; i++) {
            assertExpClose(SPECIAL[i], y[i]);
        }
        assertEquals(0f, VecMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, VecMath.exp(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, VecMath.exp(88.7229f));
        assertEquals(3.4027985e38f, VecMath.exp(88.72283f)); // the largest finite result, still finite
        assertEquals(0f, VecMath.exp(-104f));
        assertEquals(Float.MIN_VALUE, VecMath.exp(-103.97f));
        assertEquals(1f, VecMath.exp(0f));
        assertEquals(Float.NaN, VecMath.exp(Float.NaN));
    }

    @Example
    void expRunsInPlace() {
        float[] x = wide(new SplittableRandom(7), 100);
        float[] expected = new float[100];
        VecMath.exp(x, 0, expected, 0, 100);
        VecMath.exp(x, 0, x, 0, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(x[i]));
        }
    }

    @Property
    void expShiftSumIsASoftmaxNumeratorAndItsSum(@ForAll @IntRange(max = 200) int n, @ForAll long seed,
                                                  @ForAll @FloatRange(min = -5f, max = 5f) float shift) {
        var rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * 4);
        }
        float[] y = new float[n];
        float[] ref = new float[n];
        float s = VecMath.expShiftSum(x, 0, shift, y, 0, n);
        float expected = VecMath.Reference.expShiftSum(x, 0, shift, ref, 0, n);
        for (int i = 0; i < n; i++) {
            assertExpClose(x[i] - shift, y[i]);
        }
        // n terms, each within 1 ulp, summed in float: relative error below (n + 2) · 2⁻²³
        assertEquals(expected, s, (n + 2) * 0x1p-23 * expected + 1e-30f);
    }

    @Property
    void reductionsMatchTheReference(@ForAll @IntRange(max = 300) int n, @ForAll @IntRange(max = 17) int off,
                                     @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        float[] a = GemmCheck.random(rng, off + n);
        float[] b = GemmCheck.random(rng, off + n);
        double absSum = 0;
        double absDot = 0;
        for (int i = off; i < off + n; i++) {
            absSum += Math.abs(a[i]);
            absDot += Math.abs((double) a[i] * b[i]);
        }
        double gamma = (n + 2) * 0x1p-24;
        assertEquals(VecMath.Reference.sum(a, off, n), VecMath.sum(a, off, n), gamma * absSum + 1e-30, "sum");
        assertEquals(VecMath.Reference.dot(a, off, b, off, n), VecMath.dot(a, off, b, off, n), gamma * absDot + 1e-30,
                "dot");
        assertEquals(VecMath.Reference.max(a, off, n), VecMath.max(a, off, n), "max");
    }

    @Property
    void sumInDoubleAddsFourInterleavedChainsInAFixedOrder(@ForAll @IntRange(max = 300) int n,
                                                           @ForAll @IntRange(max = 17) int off, @ForAll long seed) {
        float[] x = GemmCheck.random(new SplittableRandom(seed), off + n);
        double[] chains = new double[4];
        int full = n / 4 * 4;
        for (int i = 0; i < n; i++) {
            chains[i < full ? i % 4 : 0] += x[off + i];
        }
        double expected = (chains[0] + chains[1]) + (chains[2] + chains[3]);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(VecMath.sumInDouble(x, off, n)));
        assertEquals(VecMath.Reference.sum(x, off, n), (float) VecMath.sumInDouble(x, off, n), 1e-4);
    }

    @Example
    void reductionsOfEmptyRangesAndNaN() {
        float[] x = {1f, Float.NaN, 3f};
        assertEquals(0f, VecMath.sum(x, 0, 0));
        assertEquals(0f, VecMath.dot(x, 0, x, 0, 0));
        assertEquals(Float.NEGATIVE_INFINITY, VecMath.max(x, 0, 0));
        assertEquals(Float.NaN, VecMath.max(x, 0, 3));
        float[] big = new float[100];
        big[77] = Float.NaN;
        assertEquals(Float.NaN, VecMath.max(big, 0, 100));
        assertEquals(Float.NaN, VecMath.sum(big, 0, 100));
    }

    @Property
    void elementWiseOpsMatchTheReference(@ForAll @IntRange(max = 200) int n, @ForAll @IntRange(max = 17) int off,
                                         @ForAll @FloatRange(min = -3f, max = 3f) float alpha, @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        float[] x = GemmCheck.random(rng, off + n);
        float[] z = GemmCheck.random(rng, n + 1);
        float[] y = z.clone();
        float[] ref = z.clone();
        VecMath.axpy(alpha, x, off, y, 1, n);
        VecMath.Reference.axpy(alpha, x, off, ref, 1, n);
        for (int i = 0; i <= n; i++) {
            // fused on both sides; the reference rounds through double, so it may be one ulp off
            assertEquals(ref[i], y[i], Math.ulp(ref[i]), "axpy element " + i);
        }
        float[] out = new float[n];
        float[] expected = new float[n];
        VecMath.scale(alpha, x, off, out, 0, n);
        VecMath.Reference.scale(alpha, x, off, expected, 0, n);
        assertArraysBitwise("scale", expected, out);
        VecMath.add(x, off, z, 1, out, 0, n);
        VecMath.Reference.add(x, off, z, 1, expected, 0, n);
        assertArraysBitwise("add", expected, out);
        VecMath.mul(x, off, z, 1, out, 0, n);
        VecMath.Reference.mul(x, off, z, 1, expected, 0, n);
        assertArraysBitwise("mul", expected, out);
        VecMath.relu(x, off, out, 0, n);
        VecMath.Reference.relu(x, off, expected, 0, n);
        assertArraysBitwise("relu", expected, out);
    }

    @Example
    void reluMatchesTheReferenceOnSpecialValuesAndInPlace() {
        float[] x = SPECIAL.clone();
        float[] expected = new float[x.length];
        VecMath.Reference.relu(x, 0, expected, 0, x.length);
        VecMath.relu(x, 0, x, 0, x.length);
        assertArraysBitwise("relu in place", expected, x);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(expected[4]), "relu(-0) is +0");
        assertEquals(Float.NaN, expected[2], "relu(NaN) is NaN");
    }

    @Example
    void rejectsRangesOutsideTheArray() {
        float[] x = new float[10];
        var e = assertThrows(IllegalArgumentException.class, () -> VecMath.sum(x, 4, 7));
        assertEquals("range of x [4, 11) (n = 7) is not inside its array of length 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VecMath.axpy(1f, x, 0, new float[3], 0, 5));
        assertEquals("range of y [0, 5) (n = 5) is not inside its array of length 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VecMath.exp(x, 0, x, 0, -1));
        assertEquals("range of x [0, -1) (n = -1) is not inside its array of length 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VecMath.dot(null, 0, x, 0, 1));
        assertEquals("a array is null", e.getMessage());
    }

    /**
     * Within 2 ulp of {@code (float) Math.exp(x)}, NaN for NaN. Distances are counted in float bit
     * patterns, which order the non-negative floats: 0, the subnormals, the normals, then +∞, so
     * "one ulp" stays meaningful at the underflow and overflow thresholds.
     */
    static void assertExpClose(float x, float y) {
        float ref = (float) Math.exp(x);
        if (Float.isNaN(ref) || Float.isNaN(y)) {
            if (!(Float.isNaN(ref) && Float.isNaN(y))) {
                fail("exp(" + x + ") = " + y + " but expected " + ref);
            }
            return;
        }
        if (y < 0f || Float.floatToRawIntBits(y) < 0) {
            fail("exp(" + x + ") = " + y + " is negative");
        }
        long ulps = Math.abs((long) Float.floatToRawIntBits(y) - Float.floatToRawIntBits(ref));
        if (ulps > 2) {
            fail("exp(" + x + ") = " + y + " is " + ulps + " ulp from " + ref);
        }
    }

    private static void assertArraysBitwise(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + " but the reference gives " + expected[i]);
            }
        }
    }
}
