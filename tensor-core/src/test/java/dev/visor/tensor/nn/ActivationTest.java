package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class ActivationTest {

    @Test
    void reluClampsNegativesPassesNaNAndHasZeroGradientAtZero() {
        Tensor x = Tensor.of(new float[] {-2, 0, 3, Float.NaN}, 4).requiresGrad(true);
        Tensor y = Functional.relu(x);
        float[] v = y.toArray();
        assertArrayEquals(new float[] {0, 0, 3}, new float[] {v[0], v[1], v[2]});
        assertTrue(Float.isNaN(v[3]));
        y.backward(Tensor.of(new float[] {5, 5, 5, 5}, 4));
        assertArrayEquals(new float[] {0, 0, 5, 0}, x.grad().toArray());
    }

    @Test
    void geluIsXTimesTheNormalCdfAndItsDerivativeIsPhiPlusXTimesDensity() {
        int n = 2001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -10f + 20f * i / (n - 1);
        }
        Tensor t = Tensor.of(x, n).requiresGrad(true);
        Tensor y = Functional.gelu(t);
        y.backward(Tensor.onesLike(y));
        float[] expected = new float[n];
        float[] slope = new float[n];
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double cdf = v < 0 ? 0.5 * Erf.erfc(-v / Math.sqrt(2)) : 0.5 * (1 + Erf.erf(v / Math.sqrt(2)));
            expected[i] = (float) (v * cdf);
            slope[i] = (float) (cdf + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI));
        }
        // relative accuracy even in the negative tail, where gelu(x) is tiny
        assertClose(expected, y.toArray(), 2e-7, 1e-37, "gelu");
        assertClose(slope, t.grad().toArray(), 2e-7, 1e-37, "gelu'");
    }

    @Test
    void geluTanhIsTheGpt2Formula() {
        float[] x = {-5, -1.5f, -0.1f, 0, 0.3f, 2, 6};
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            expected[i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
        assertClose(expected, Functional.geluTanh(Tensor.of(x, x.length)).toArray(), 1e-6, 1e-30, "geluTanh");
    }

    @Test
    void geluTanhStaysCloseToTheExactGelu() {
        Tensor x = Tensor.of(new float[] {-3, -1, -0.5f, 0.5f, 1, 3}, 6);
        assertClose(Functional.gelu(x).toArray(), Functional.geluTanh(x).toArray(), 0, 1e-3, "tanh vs exact");
    }

    @Test
    void activationModulesApplyTheirFunction() {
        Tensor x = Tensor.of(new float[] {-1, 2}, 2);
        assertArrayEquals(Functional.relu(x).toArray(), Activation.relu().forward(x).toArray());
        assertArrayEquals(Functional.gelu(x).toArray(), Activation.gelu().forward(x).toArray());
        assertArrayEquals(Functional.geluTanh(x).toArray(), Activation.geluTanh().forward(x).toArray());
    }

    @Test
    void theBranchFreeReluGradientMatchesTheComparisonOnSpecialAndSampledFloats() {
        java.util.List<Float> xs = new java.util.ArrayList<>(java.util.List.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc00000), 1f, -1f));
        for (long bits = 0; bits <= 0xffffffffL; bits += 0x10001L * 97) {
            xs.add(Float.intBitsToFloat((int) bits));
        }
        float[] in = new float[xs.size()];
        float[] g = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = xs.get(i);
            g[i] = i % 5 == 0 ? Float.NaN : i - 7.5f;
        }
        float[] dx = new float[in.length];
        Activations.reluBackward(g, in, dx, 0, in.length);
        for (int i = 0; i < in.length; i++) {
            float expected = in[i] > 0f ? g[i] : 0f;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dx[i]), "x=" + in[i] + ", g=" + g[i]);
        }
    }
}
