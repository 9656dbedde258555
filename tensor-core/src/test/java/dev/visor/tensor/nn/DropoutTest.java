package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.KeepBits;
import dev.visor.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class DropoutTest {

    @Test
    void reluDropoutIsTheCompositionBitForBitForwardAndBackward() {
        for (double p : new double[] {0.0, 0.1, 0.5, 1.0}) {
            for (int n : new int[] {1, 17, 64, 1000}) {
                for (boolean training : new boolean[] {true, false}) {
                    Rng data = new Rng(n);
                    float[] v = Tensor.randn(data, n).toArray();
                    v[0] = n > 3 ? Float.POSITIVE_INFINITY : 0f; // special values: +∞, NaN, ±0 through the mask
                    if (n > 3) {
                        v[1] = Float.NaN;
                        v[2] = -0f;
                        v[3] = 0f;
                    }
                    Tensor g = Tensor.randn(data, n);
                    Tensor xa = Tensor.of(v, n).requiresGrad(true);
                    Tensor ya = Functional.dropout(Functional.relu(xa), p, training, new Rng(7));
                    ya.backward(g);
                    Tensor xb = Tensor.of(v.clone(), n).requiresGrad(true);
                    Tensor yb = Functional.reluDropout(xb, p, training, new Rng(7));
                    yb.backward(g);
                    String at = "p=" + p + " n=" + n + " training=" + training;
                    assertArrayEquals(bits(ya.toArray()), bits(yb.toArray()), "forward " + at);
                    assertArrayEquals(bits(xa.grad().toArray()), bits(xb.grad().toArray()), "backward " + at);
                }
            }
        }
    }

    @Test
    void fusedDropoutsSplitAcrossThreadsAreTheCompositionsBits() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                int chunk = 64 * KeepBits.SPLIT_WORDS;
                for (int n : new int[] {2 * chunk - 1, 2 * chunk, 2 * chunk + 65, 300_003}) {   // 1, 2 and more chunks on 2 threads
                    Rng data = new Rng(n);
                    float[] r = Tensor.randn(data, n).toArray();
                    float[] v = Tensor.randn(data, n).toArray();
                    Tensor g = Tensor.randn(data, n);
                    String at = "threads=" + threads + " n=" + n;
                    Tensor xa = Tensor.of(v, n).requiresGrad(true);
                    Tensor ya = Functional.dropout(Functional.relu(xa), 0.1, true, new Rng(7));
                    ya.backward(g);
                    Tensor xb = Tensor.of(v.clone(), n).requiresGrad(true);
                    Tensor yb = Functional.reluDropout(xb, 0.1, true, new Rng(7));
                    yb.backward(g);
                    assertArrayEquals(bits(ya.toArray()), bits(yb.toArray()), "relu forward " + at);
                    assertArrayEquals(bits(xa.grad().toArray()), bits(xb.grad().toArray()), "relu backward " + at);
                    Tensor rc = Tensor.of(r, n).requiresGrad(true);
                    Tensor xc = Tensor.of(v.clone(), n).requiresGrad(true);
                    Tensor yc = rc.add(Functional.dropout(xc, 0.1, true, new Rng(8)));
                    yc.backward(g);
                    Tensor rd = Tensor.of(r.clone(), n).requiresGrad(true);
                    Tensor xd = Tensor.of(v.clone(), n).requiresGrad(true);
                    Tensor yd = Functional.addDropout(rd, xd, 0.1, true, new Rng(8));
                    yd.backward(g);
                    assertArrayEquals(bits(yc.toArray()), bits(yd.toArray()), "residual forward " + at);
                    assertArrayEquals(bits(xc.grad().toArray()), bits(xd.grad().toArray()), "residual dx " + at);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void theModuleFusesReluWithItsOwnMaskStream() {
        Tensor x = Tensor.randn(new Rng(3), 4, 33);
        Dropout a = new Dropout(0.2, new Rng(9));
        Dropout b = new Dropout(0.2, new Rng(9));
        for (int step = 0; step < 3; step++) { // the module's stream advances alike
            assertArrayEquals(bits(a.forward(Functional.relu(x)).toArray()), bits(b.afterRelu(x).toArray()), "step " + step);
        }
        assertThrows(IllegalArgumentException.class, () -> Functional.reluDropout(x, 1.5, true, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> Functional.reluDropout(x, 0.5, true, null));
    }

    @Test
    void addDropoutIsTheResidualCompositionBitForBitForwardAndBackward() {
        for (double p : new double[] {0.0, 0.1, 1.0}) {
            for (boolean training : new boolean[] {true, false}) {
                for (boolean residualNeedsGrad : new boolean[] {true, false}) {
                    Rng data = new Rng(5);
                    float[] r = Tensor.randn(data, 3, 37).toArray();
                    float[] v = Tensor.randn(data, 3, 37).toArray();
                    Tensor g = Tensor.randn(data, 3, 37);
                    Tensor ra = Tensor.of(r, 3, 37).requiresGrad(residualNeedsGrad);
                    Tensor xa = Tensor.of(v, 3, 37).requiresGrad(true);
                    Tensor ya = ra.add(Functional.dropout(xa, p, training, new Rng(8)));
                    ya.backward(g);
                    Tensor rb = Tensor.of(r.clone(), 3, 37).requiresGrad(residualNeedsGrad);
                    Tensor xb = Tensor.of(v.clone(), 3, 37).requiresGrad(true);
                    Tensor yb = Functional.addDropout(rb, xb, p, training, new Rng(8));
                    yb.backward(g);
                    String at = "p=" + p + " training=" + training + " residualNeedsGrad=" + residualNeedsGrad;
                    assertArrayEquals(bits(ya.toArray()), bits(yb.toArray()), "forward " + at);
                    assertArrayEquals(bits(xa.grad().toArray()), bits(xb.grad().toArray()), "dx " + at);
                    if (residualNeedsGrad) {
                        assertArrayEquals(bits(ra.grad().toArray()), bits(rb.grad().toArray()), "dresidual " + at);
                    }
                }
            }
        }
    }

    @Test
    void addDropoutBroadcastsAsTheComposition() {
        Tensor residual = Tensor.randn(new Rng(1), 1, 5);
        Tensor x = Tensor.randn(new Rng(2), 4, 5);
        assertArrayEquals(residual.add(Functional.dropout(x, 0.3, true, new Rng(3))).toArray(),
                Functional.addDropout(residual, x, 0.3, true, new Rng(3)).toArray());
        Dropout module = new Dropout(0.3, new Rng(3));
        assertArrayEquals(residual.add(Functional.dropout(x, 0.3, true, new Rng(3))).toArray(),
                module.addTo(residual, x).toArray());
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Test
    void zeroesAboutPAndScalesSurvivorsByOneOverOneMinusP() {
        int n = 20_000;
        float[] y = Functional.dropout(Tensor.ones(n), 0.3, true, new Rng(5)).toArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals((float) (1 / 0.7), v);
            }
        }
        // binomial(20000, 0.3): sd ≈ 65, so ±400 is more than 6 sd
        assertTrue(Math.abs(zeros - 0.3 * n) < 400, "zeros " + zeros);
    }

    @Test
    void theMaskFollowsTheRngDrawsAndTheSeed() {
        Rng draws = new Rng(11);
        float[] y = Functional.dropout(Tensor.full(2f, 50), 0.5, true, new Rng(11)).toArray();
        for (int i = 0; i < 50; i++) {
            assertEquals(draws.nextDouble() >= 0.5 ? 4f : 0f, y[i], "element " + i);
        }
        assertArrayEquals(y, Functional.dropout(Tensor.full(2f, 50), 0.5, true, new Rng(11)).toArray());
    }

    @Test
    void gradientUsesTheSameMask() {
        Tensor x = Tensor.ones(64).requiresGrad(true);
        Tensor y = Functional.dropout(x, 0.25, true, new Rng(2));
        y.backward(Tensor.full(3f, 64));
        float[] v = y.toArray();
        float[] g = x.grad().toArray();
        for (int i = 0; i < 64; i++) {
            assertEquals(v[i] * 3f, g[i], 1e-6, "element " + i);
        }
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentityAndOneDropsEverything() {
        Tensor x = Tensor.ones(8);
        assertSame(x, Functional.dropout(x, 0.5, false, new Rng(1)));
        assertSame(x, Functional.dropout(x, 0.0, true, new Rng(1)));
        assertSame(x, Functional.dropout(x, 0.5, false, null));
        assertArrayEquals(new float[8], Functional.dropout(x, 1.0, true, new Rng(1)).toArray());
    }

    @Test
    void anEvaluatingScopeIsTheIdentityOnItsThreadOnlyAndLeavesTheModeAlone() throws Exception {
        Dropout d = new Dropout(0.5, new Rng(3));
        Tensor x = Tensor.ones(64);
        try (dev.visor.tensor.GradMode.Scope e = Module.evaluating()) {
            assertTrue(d.isTraining(), "the mode is unchanged");
            assertArrayEquals(x.toArray(), d.forward(x).toArray());
            boolean[] other = new boolean[1];
            Thread t = new Thread(() -> other[0] = d.behavesAsTraining());
            t.start();
            t.join();
            assertTrue(other[0], "another thread still trains");
            try (dev.visor.tensor.GradMode.Scope nested = Module.evaluating()) {
                assertTrue(!d.behavesAsTraining());
            }
            assertTrue(!d.behavesAsTraining(), "scopes nest");
        }
        assertTrue(d.behavesAsTraining());
        assertTrue(java.util.Arrays.stream(toDouble(d.forward(x).toArray())).anyMatch(v -> v == 0), "dropout is back");
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void badProbabilitiesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.dropout(Tensor.ones(2), 1.5, true, new Rng(1)));
        assertEquals("dropout probability must be in [0, 1] but got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, new Rng(1)));
        assertEquals("dropout probability must be in [0, 1] but got -0.1", e.getMessage());
    }

    @Test
    void theModuleDropsOnlyInTrainingMode() {
        Dropout d = new Dropout(0.5, new Rng(3));
        Tensor x = Tensor.ones(100);
        float[] trained = d.forward(x).toArray();
        assertTrue(java.util.Arrays.toString(trained).contains("0.0"));
        d.eval();
        assertSame(x, d.forward(x));
    }

    @Test
    void theBranchFreeMaskEqualsThePlainLoopsForEveryProbabilityAndLength() {
        double[] ps = {0.0, 1e-9, 0.1, 0.25, 0.5, 0.9, 1 - 1e-12, 1.0};
        int[] lengths = {1, 63, 64, 65, 1000};
        for (double p : ps) {
            for (int n : lengths) {
                assertArrayEquals(DropoutOp.reference(n, p, new Rng(n * 31L)), DropoutOp.mask(n, p, new Rng(n * 31L)),
                        "p=" + p + ", n=" + n);
            }
        }
    }

    @Test
    void droppedInfinitiesAndNansBecomePositiveZeroForwardAndBackward() {
        float[] in = new float[256];
        java.util.Arrays.fill(in, Float.NaN);
        for (int i = 0; i < in.length; i += 3) {
            in[i] = Float.NEGATIVE_INFINITY;
        }
        Tensor x = Tensor.of(in, in.length).requiresGrad(true);
        Tensor y = Functional.dropout(x, 0.5, true, new Rng(4));
        float[] g = new float[in.length];
        java.util.Arrays.fill(g, Float.NaN);
        y.backward(Tensor.of(g, g.length));
        long[] keep = DropoutOp.reference(in.length, 0.5, new Rng(4));
        float[] v = y.toArray();
        float[] dx = x.grad().toArray();
        int dropped = 0;
        for (int i = 0; i < in.length; i++) {
            if ((keep[i >>> 6] & (1L << i)) == 0) {
                dropped++;
                assertEquals(0, Float.floatToRawIntBits(v[i]), "output " + i);
                assertEquals(0, Float.floatToRawIntBits(dx[i]), "gradient " + i);
            } else {
                assertEquals(in[i] * 2f, v[i], "output " + i);
                assertTrue(Float.isNaN(dx[i]), "gradient " + i);
            }
        }
        assertTrue(dropped > 64 && dropped < 192, "dropped " + dropped);
    }
}
