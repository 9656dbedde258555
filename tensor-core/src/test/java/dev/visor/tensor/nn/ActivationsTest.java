package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tanh GELU's float path (through VecMath.exp) against the plain double loops, far into both tails. */
class ActivationsTest {
    private static float[] inputs() {
        int n = 6001;
        float[] x = new float[n + 6];
        for (int i = 0; i < n; i++) {
            x[i] = -30f + 60f * i / (n - 1); // steps of 0.01 over [-30, 30]: the exponent saturates at both ends
        }
        x[n] = 0f;
        x[n + 1] = -0f;
        x[n + 2] = 1e-30f;
        x[n + 3] = -1e20f;
        x[n + 4] = 1e20f;
        x[n + 5] = Float.POSITIVE_INFINITY;
        return x;
    }

    @Test
    void tanhGeluAndItsGradientMatchTheDoubleReference() {
        float[] x = inputs();
        float[][] ref = Activations.geluTanhReference(x);
        float[] y = new float[x.length];
        Activations.geluTanh(x, y, 0, x.length);
        float[] ones = new float[x.length];
        java.util.Arrays.fill(ones, 1f);
        float[] d = new float[x.length];
        Activations.geluTanhBackward(ones, x, d, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            close(ref[0][i], y[i], "gelu(" + x[i] + ")");
            close(ref[1][i], d[i], "gelu'(" + x[i] + ")");
        }
    }

    @Test
    void nanStaysNan() {
        float[] x = {Float.NaN};
        float[] y = new float[1];
        Activations.geluTanh(x, y, 0, 1);
        assertTrue(Float.isNaN(y[0]));
    }

    /** Within 1e-6 absolute plus 2e-6 relative (the double reference's own 1 + tanh cancels to 0 below x ≈ −9). */
    private static void close(float expected, float actual, String what) {
        if (Float.isNaN(expected)) { // the derivative at +∞, in both forms
            assertTrue(Float.isNaN(actual), what + ": expected NaN but got " + actual);
            return;
        }
        if (Float.isInfinite(expected)) {
            assertEquals(expected, actual, 0f, what);
            return;
        }
        assertTrue(Math.abs(expected - actual) <= 1e-6 + 2e-6 * Math.abs(expected), what + ": expected " + expected + " but got " + actual);
    }
}
