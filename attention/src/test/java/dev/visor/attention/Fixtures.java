package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.fail;

import dev.visor.tensor.Rng;

/** Shared helpers for the attention tests: random views, masks and tolerant comparisons. */
final class Fixtures {
    private Fixtures() {}

    static HeadsView randomView(Rng rng, int batch, int heads, int seq, int dim) {
        float[] d = new float[batch * heads * seq * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return HeadsView.contiguous(d, batch, heads, seq, dim);
    }

    /** A (batch, seq, heads, dim)-laid-out array viewed as (batch, heads, seq, dim): strided like a projection. */
    static HeadsView randomSeqMajorView(Rng rng, int batch, int heads, int seq, int dim) {
        float[] d = new float[batch * heads * seq * dim + 3];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new HeadsView(d, 3, batch, heads, seq, dim, seq * heads * dim, dim, heads * dim, 1);
    }

    static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(a)) {
                fail(what + ": NaN at " + i);
            }
            if (e == a) {
                continue; // covers ±∞
            }
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but got " + a + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                m = Math.max(m, Math.abs(a[i] - b[i]));
            }
        }
        return m;
    }
}
