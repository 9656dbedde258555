package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visor.mask.builtin.AlibiModifier;
import dev.visor.mask.builtin.SoftcapModifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tile primitives of the fused built-in modifiers against their oracles: the rational tanh
 * against {@link Math#tanh}, soft-capping and its backward against {@link SoftcapModifier}, the ALiBi
 * ramp bit for bit against {@link AlibiModifier#apply}; scalar and vector versions bit for bit alike.
 */
class ModifierTileOpsTest {
    /** Inputs on a dense grid of [−12, 12], tiny values of both signs, 0 and the clamp edges; 997 is not a multiple of any width. */
    private static float[] inputs() {
        float[] x = new float[997];
        for (int i = 0; i < 800; i++) x[i] = -12f + 24f * i / 799f;
        for (int i = 800; i < 990; i++) x[i] = (float) ((i % 2 == 0 ? 1 : -1) * Math.pow(10, -9 + 9.0 * (i - 800) / 190));
        x[990] = 0f;
        x[991] = TileOps.TANH_CLAMP;
        x[992] = -TileOps.TANH_CLAMP;
        x[993] = Float.MAX_VALUE;
        x[994] = -Float.MAX_VALUE;
        x[995] = 5.77455f;   // near the approximation's largest error
        x[996] = -0.5f;
        return x;
    }

    @Test
    void theExpectedPathRuns() {
        if ("false".equals(System.getProperty("visor.expect.vector"))) {
            assertEquals(false, dev.visor.tensor.kernel.VectorSupport.available(), "the scalar-fallback run has no Vector API");
            assertEquals(1, FlashAttentionTest.allOps().size());
        }
    }

    @Test
    void tanhIsWithinItsBoundOfMathTanhAndTheSameOnBothPaths() {
        float[] x = inputs();
        float[] first = null;
        for (TileOps ops : FlashAttentionTest.allOps()) {
            float[] y = new float[x.length + 3];
            ops.tanh(x, 0, x.length, 1f, 1f, y, 3);
            for (int i = 0; i < x.length; i++) {
                double exact = Math.tanh(x[i]);
                assertEquals(exact, y[3 + i], 4e-7 + 1e-6 * Math.abs(exact), ops + " tanh(" + x[i] + ")");
            }
            float[] scaled = x.clone();
            ops.tanh(scaled, 0, x.length, 0.25f, 3f, scaled, 0);   // in place, with a scale in and out
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(3f * TileOps.tanh1(x[i] * 0.25f)), Float.floatToIntBits(scaled[i]),
                        ops + " at " + x[i]);
            }
            if (first == null) {
                first = y;
            } else {
                for (int i = 0; i < y.length; i++) {
                    assertEquals(Float.floatToIntBits(first[i]), Float.floatToIntBits(y[i]), "scalar and vector at " + i);
                }
            }
        }
    }

    @Test
    void softcapAndItsBackwardMatchTheModifier() {
        for (double cap : new double[] {0.7, 30}) {
            SoftcapModifier m = new SoftcapModifier(cap);
            float[] x = inputs();
            for (int i = 0; i < 800; i++) x[i] *= 10f;   // well into the capped range too
            x[993] = 1e6f;
            x[994] = -1e6f;
            for (TileOps ops : FlashAttentionTest.allOps()) {
                float[] s = x.clone();
                float[] scratch = new float[x.length];
                ops.softcap(s, 0, s.length, (float) cap, scratch);
                float[] g = new float[x.length];
                java.util.Arrays.fill(g, 2f);
                ops.softcapGrad(x, g, 0, g.length, (float) cap, scratch);
                for (int i = 0; i < x.length; i++) {
                    float expected = m.apply(x[i], 0, 0, 0, 0, new float[0], 0);
                    assertEquals(expected, s[i], 1e-6 * cap + 1e-6 * Math.abs(expected), ops + " cap " + cap + " at " + x[i]);
                    float d = 2f * m.derivative(x[i], 0, 0, 0, 0, new float[0], 0);
                    assertEquals(d, g[i], 2e-6, ops + " derivative, cap " + cap + " at " + x[i]);
                }
            }
        }
    }

    @Test
    void rampIsAlibiBitForBitAndConstantsAdd() {
        AlibiModifier alibi = AlibiModifier.of(0.37, -1.5);
        for (TileOps ops : FlashAttentionTest.allOps()) {
            for (int start : List.of(-300, -5, 0, 17)) {
                float[] s = new float[75];
                for (int j = 0; j < s.length; j++) s[j] = (float) Math.sin(j);
                float[] got = s.clone();
                ops.addRamp(got, 2, 71, alibi.slope(1), start);
                for (int j = 0; j < s.length; j++) {
                    float expected = j < 2 || j >= 73 ? s[j] : alibi.apply(s[j], 0, 1, 40, 40 + start + j - 2, null, 0);
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got[j]), ops + " start " + start + " at " + j);
                }
                float[] c = s.clone();
                ops.addConstant(c, 1, 70, 0.25f);
                for (int j = 0; j < s.length; j++) {
                    assertEquals(j < 1 || j >= 71 ? s[j] : s[j] + 0.25f, c[j], ops + " constant at " + j);
                }
            }
        }
    }
}
