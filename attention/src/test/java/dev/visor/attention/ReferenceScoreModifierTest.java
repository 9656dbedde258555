package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.builtin.Builtins;
import dev.visor.tensor.Rng;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The reference kernel with score modifiers: forward against the definition, gradients to q, k and
 * the learnable table against central finite differences, absolute positions at a query offset, and
 * empty rows unchanged.
 */
class ReferenceScoreModifierTest {
    private static final int B = 2, H = 3, LQ = 5, LK = 6, D = 4;
    /** Row 2 of every head attends nothing; the others are causal with the keys shifted by one. */
    private static final ElementMask MASK = (b, h, i, j) -> i != 2 && j <= i + 1;

    private static ScoreModifier modifier(String spec) {
        return Builtins.scoreRegistry().create(spec, new ScoreContext(H));
    }

    private static ScoreModification withRandomTheta(ScoreModifier m, Rng rng) {
        float[] theta = new float[m.parameterCount()];
        for (int i = 0; i < theta.length; i++) theta[i] = (float) rng.nextGaussian() * 0.5f;
        return new ScoreModification(m, theta, 0);
    }

    @Test
    void forwardIsSoftmaxOfTheModifiedScores() {
        Rng rng = new Rng(11);
        HeadsView q = Fixtures.randomView(rng, B, H, LQ, D);
        HeadsView k = Fixtures.randomView(rng, B, H, LK, D);
        HeadsView v = Fixtures.randomView(rng, B, H, LK, D);
        ScoreModification mods = withRandomTheta(modifier("softcap(cap=0.7) >> alibi >> relative_bias(buckets=8, max_distance=4)"), rng);
        AttentionConfig cfg = AttentionConfig.defaults(D);
        float[] w = ReferenceAttention.forward(q, k, v, MASK, cfg, mods).weights();
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < LQ; i++) {
                    double[] e = new double[LK];
                    double z = 0;
                    for (int j = 0; j < LK; j++) {
                        if (!MASK.attends(b, h, i, j)) continue;
                        double dot = 0;
                        for (int c = 0; c < D; c++) dot += (double) q.get(b, h, i, c) * k.get(b, h, j, c);
                        e[j] = Math.exp(mods.modifier().apply((float) (cfg.scale() * dot), b, h, i, j, mods.theta(), 0));
                        z += e[j];
                    }
                    for (int j = 0; j < LK; j++) {
                        double expected = z == 0 ? 0 : e[j] / z;
                        assertEquals(expected, w[((b * H + h) * LQ + i) * LK + j], 1e-6, "weight " + b + h + i + j);
                    }
                }
            }
        }
    }

    @Test
    void gradientsEqualFiniteDifferencesForEveryBuiltinAndTheirChain() {
        for (String spec : new String[] {"alibi", "softcap(cap=0.8)", "relative_bias(buckets=8, max_distance=4, bidirectional=true)",
                "relative_bias(buckets=6, max_distance=5, bidirectional=false)",
                "relative_bias(buckets=8, max_distance=4) >> softcap(cap=0.9) >> alibi(slopes=[0.5, -0.25, 1.5])"}) {
            Rng rng = new Rng(spec.hashCode());
            HeadsView q = Fixtures.randomView(rng, B, H, LQ, D);
            HeadsView k = Fixtures.randomView(rng, B, H, LK, D);
            HeadsView v = Fixtures.randomView(rng, B, H, LK, D);
            HeadsView dOut = Fixtures.randomView(rng, B, H, LQ, D);
            ScoreModification mods = withRandomTheta(modifier(spec), rng);
            AttentionConfig cfg = AttentionConfig.defaults(D);
            ReferenceAttention.Gradients g = ReferenceAttention.backward(q, k, v, MASK, cfg, mods, dOut);
            ToDoubleFunction<Void> loss = x -> {
                float[] out = ReferenceAttention.forward(q, k, v, MASK, cfg, mods).output();
                double l = 0;
                for (int i = 0; i < out.length; i++) l += (double) out[i] * dOut.data()[i];
                return l;
            };
            checkFiniteDifferences(spec + " dq", q.data(), g.dq(), loss);
            checkFiniteDifferences(spec + " dk", k.data(), g.dk(), loss);
            checkFiniteDifferences(spec + " dtheta", mods.theta(), g.dTheta(), loss);
            assertEquals(mods.theta().length, g.dTheta().length);
            for (int b = 0; b < B; b++) {               // the empty row: no gradient to its query
                for (int h = 0; h < H; h++) {
                    for (int c = 0; c < D; c++) assertEquals(0f, g.dq()[q.index(b, h, 2, c)], spec);
                }
            }
        }
    }

    private static void checkFiniteDifferences(String what, float[] x, float[] analytic, ToDoubleFunction<Void> loss) {
        float eps = 1e-2f;
        boolean anyNonZero = false;
        for (int i = 0; i < x.length; i++) {
            float saved = x[i];
            x[i] = saved + eps;
            double up = loss.applyAsDouble(null);
            x[i] = saved - eps;
            double down = loss.applyAsDouble(null);
            x[i] = saved;
            double numeric = (up - down) / (2 * eps);
            anyNonZero |= Math.abs(analytic[i]) > 1e-3;
            assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric), what + " at " + i);
        }
        assertTrue(anyNonZero || x.length == 0, what + " is all zeros, so the check proves nothing");
    }

    @Test
    void emptyRowsStayZeroWithModifiers() {
        Rng rng = new Rng(3);
        HeadsView q = Fixtures.randomView(rng, B, H, LQ, D);
        HeadsView k = Fixtures.randomView(rng, B, H, LK, D);
        HeadsView v = Fixtures.randomView(rng, B, H, LK, D);
        ScoreModification mods = withRandomTheta(modifier("relative_bias >> softcap(cap=5)"), rng);
        ReferenceAttention.Result r = ReferenceAttention.forward(q, k, v, MASK, AttentionConfig.defaults(D), mods);
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                int row = (b * H + h) * LQ + 2;
                assertEquals(Float.NEGATIVE_INFINITY, r.logSumExp()[row]);
                for (int c = 0; c < D; c++) assertEquals(0f, r.output()[row * D + c]);
            }
        }
    }

    @Test
    void queriesAtAnOffsetSeeTheirAbsolutePositions() {
        Rng rng = new Rng(8);
        HeadsView q = Fixtures.randomView(rng, 1, H, LQ, D);
        HeadsView k = Fixtures.randomView(rng, 1, H, LK, D);
        HeadsView v = Fixtures.randomView(rng, 1, H, LK, D);
        ScoreModification mods = withRandomTheta(modifier("alibi >> relative_bias(buckets=8, max_distance=4)"), rng);
        AttentionConfig cfg = AttentionConfig.defaults(D);
        float[] full = ReferenceAttention.forward(q, k, v, null, cfg, mods).output();
        int from = 3;                                      // the last two queries alone, as a decoding step
        float[] tail = new float[H * (LQ - from) * D];
        for (int h = 0; h < H; h++) {
            for (int i = from; i < LQ; i++) {
                for (int c = 0; c < D; c++) tail[(h * (LQ - from) + i - from) * D + c] = q.get(0, h, i, c);
            }
        }
        HeadsView qTail = HeadsView.contiguous(tail, 1, H, LQ - from, D);
        float[] step = ReferenceAttention.forward(qTail, k, v, null, cfg, mods.atQueryOffset(from)).output();
        float[] wrong = ReferenceAttention.forward(qTail, k, v, null, cfg, mods).output();
        double maxWrong = 0;
        for (int h = 0; h < H; h++) {
            for (int i = from; i < LQ; i++) {
                for (int c = 0; c < D; c++) {
                    int t = (h * (LQ - from) + i - from) * D + c;
                    assertEquals(full[(h * LQ + i) * D + c], step[t], 1e-6);
                    maxWrong = Math.max(maxWrong, Math.abs(full[(h * LQ + i) * D + c] - wrong[t]));
                }
            }
        }
        assertTrue(maxWrong > 1e-3, "positions from 0 should differ, so the offset is what makes them agree");
    }

    @Test
    void parametersMustFitTheModifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScoreModification(modifier("relative_bias(buckets=8, max_distance=4)"), new float[5], 0));
        assertEquals("score modifier relative_bias(buckets=8, max_distance=4, bidirectional=true) has 24 learnable "
                + "parameters but 5 were given", e.getMessage());
    }
}
