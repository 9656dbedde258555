package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Adam element update in lanes against its scalar loop, bit for bit, at every length around the
 * vector edges, at an offset parameter, with and without L2 decay, decoupled decay and AMSGrad, and
 * with zeros, huge and non-finite gradients (run again by the build without the Vector API, at AVX2
 * and at 128-bit vectors).
 */
class AdamRowsTest {
    @Test
    void updateGivesTheReferenceBits() {
        SplittableRandom r = new SplittableRandom(12);
        for (int variant = 0; variant < 8; variant++) {
            boolean l2 = (variant & 1) != 0;
            boolean decoupled = (variant & 2) != 0;
            boolean amsgrad = (variant & 4) != 0;
            for (int n = 0; n <= 70; n++) {
                int off = n % 5;
                int from = n % 3;
                AdamRows.Coefficients c = new AdamRows.Coefficients(0.9f, 0.999f, (float) (1 - 0.9), (float) (1 - 0.999),
                        n % 2 == 0 ? 1e-8f : 0f, l2 ? 0.01f : 0f, decoupled ? 0.999f : 1f,
                        (float) Math.sqrt(1 - Math.pow(0.999, 1 + n % 4)), (float) -(1e-3 / (1 - Math.pow(0.9, 1 + n % 4))));
                float[] p = values(r, off + n);
                float[] g = values(r, n);
                float[] m = values(r, n);
                float[] v = squares(r, n);
                float[] vMax = amsgrad ? squares(r, n) : null;
                float[] p2 = p.clone();
                float[] m2 = m.clone();
                float[] v2 = v.clone();
                float[] vMax2 = amsgrad ? vMax.clone() : null;
                int to = Math.max(from, n);
                AdamRows.update(c, p, off, g, m, v, vMax, Math.min(from, to), to);
                AdamRows.reference(c, p2, off, g, m2, v2, vMax2, Math.min(from, to), to);
                String what = "variant " + variant + ", n=" + n;
                assertBits(p2, p, what + ", p");
                assertBits(m2, m, what + ", m");
                assertBits(v2, v, what + ", v");
                if (amsgrad) {
                    assertBits(vMax2, vMax, what + ", vMax");
                }
            }
        }
    }

    @Test
    void referenceIsAdamsFormula() {
        // one element by hand: m = 0.9·0.5 + 0.1·2, v = 0.999·0.25 + (0.001·2)·2, p = 1 − 0.01·m / (√v / 0.5 + 1e-8)
        AdamRows.Coefficients c = new AdamRows.Coefficients(0.9f, 0.999f, 0.1f, 0.001f, 1e-8f, 0f, 1f, 0.5f, -0.01f);
        float[] p = {1f};
        float[] m = {0.5f};
        float[] v = {0.25f};
        AdamRows.update(c, p, 0, new float[] {2f}, m, v, null, 0, 1);
        float em = 0.5f * 0.9f + 0.1f * 2f;
        float ev = 0.25f * 0.999f + 0.001f * 2f * 2f;
        assertEquals(em, m[0]);
        assertEquals(ev, v[0]);
        assertEquals(1f + -0.01f * (em / ((float) Math.sqrt(ev) / 0.5f + 1e-8f)), p[0]);
    }

    private static float[] values(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 23) {
                case 3 -> 0f;
                case 7 -> -0f;
                case 11 -> 3e38f;
                case 13 -> Float.NaN;
                case 17 -> Float.NEGATIVE_INFINITY;
                case 19 -> 1e-42f;
                default -> (float) r.nextGaussian();
            };
        }
        return x;
    }

    private static float[] squares(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 29 == 5 ? 0f : (float) Math.abs(r.nextGaussian() * 1e-3);
        }
        return x;
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]), what + ", element " + i);
        }
    }
}
