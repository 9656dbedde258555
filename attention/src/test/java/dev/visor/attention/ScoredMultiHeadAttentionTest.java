package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskSpecException;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.tensor.GradCheck;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@link MultiHeadAttention} with a score spec: rope and modifiers, their parameters, cached decoding. */
class ScoredMultiHeadAttentionTest {
    private static final ScoreModifierRegistry REGISTRY = ScoreModifierRegistry.load();

    private static MultiHeadAttention layer(String scores, int seed) {
        MultiHeadAttention mha = MultiHeadAttention.builder(16, 4).kvHeads(2).scores(scores, REGISTRY).build(new Rng(seed));
        Tensor theta = mha.namedParameters().get("score_parameters");
        if (theta != null) {   // a trained-looking table, so the bias matters
            Rng rng = new Rng(seed + 1);
            float[] t = theta.storage();
            for (int i = 0; i < t.length; i++) t[i] = (float) rng.nextGaussian();
        }
        return mha;
    }

    @Test
    void cachedDecodingEqualsTheFullPassWithAbsolutePositions() {
        for (String scores : List.of("rope", "rope(layout=\"interleaved\", fraction=0.5) >> alibi",
                "relative_bias(buckets=8, max_distance=16, bidirectional=false) >> softcap(cap=5)", "alibi")) {
            MultiHeadAttention mha = layer(scores, 3);
            Tensor x = Tensor.randn(new Rng(4), 2, 11, 16);
            float[] full = mha.forward(x, x, x, "causal", MaskInputs.none()).toArray();   // (2, 11, 16)
            KvCache cache = mha.newCache(2);
            float[] stepwise = new float[full.length];
            int t = 0;
            for (int n : new int[] {1, 4, 1, 5}) {
                float[] y = mha.forward(x.narrow(1, t, n), cache, "causal", MaskInputs.none()).toArray();
                for (int b = 0; b < 2; b++) System.arraycopy(y, b * n * 16, stepwise, (b * 11 + t) * 16, n * 16);
                t += n;
            }
            Fixtures.assertClose(scores, full, stepwise, 1e-5, 1e-5);

            // without autograd, steps of at most 4 queries read the cache in place (DecodeAttention) unless a
            // modifier needs positions; rotated keys and modifiers must agree with the full pass there too
            float[] decoded = new float[full.length];
            try (GradMode.Scope ignored = GradMode.disable()) {
                KvCache c1 = mha.newCache(2);
                for (int s = 0; s < 11; s++) {
                    float[] y = mha.forward(x.narrow(1, s, 1), c1, "causal", MaskInputs.none()).toArray();
                    for (int b = 0; b < 2; b++) System.arraycopy(y, b * 16, decoded, (b * 11 + s) * 16, 16);
                }
            }
            Fixtures.assertClose(scores + " no-grad steps", full, decoded, 1e-5, 1e-5);

            // the compiled-mask cache path and an uncached pass at query offset 7 agree with the full pass too
            KvCache c2 = mha.newCache(2);
            mha.forward(x.narrow(1, 0, 7), c2, compiled(7, 7, 0));
            float[] tail = mha.forward(x.narrow(1, 7, 4), c2, compiled(4, 11, 7)).toArray();
            float[] uncached = mha.forward(x.narrow(1, 7, 4), x, x, compiled(4, 11, 7)).toArray();
            float[] expected = new float[2 * 4 * 16];
            for (int b = 0; b < 2; b++) System.arraycopy(full, (b * 11 + 7) * 16, expected, b * 4 * 16, 4 * 16);
            Fixtures.assertClose(scores + " compiled", expected, tail, 1e-5, 1e-5);
            Fixtures.assertClose(scores + " offset", expected, uncached, 1e-5, 1e-5);
        }
    }

    private static CompiledMask compiled(int lq, int lk, int offset) {
        MaskContext ctx = MaskContext.builder(2, 4, lq, lk).queryOffset(offset).build();
        return CompiledMask.compile(MaskRegistry.load().create("causal", ctx), ctx.shape(), 4, 4);
    }

    @Test
    void modifierParametersAreALayerParameterTrainedByBackward() {
        MultiHeadAttention mha = MultiHeadAttention.builder(16, 4)
                .scores("relative_bias(buckets=8, max_distance=16)", REGISTRY).build(new Rng(5));
        Tensor theta = mha.namedParameters().get("score_parameters");
        assertArrayEquals(new int[] {4, 8}, theta.shape());
        assertTrue(mha.parameters().contains(theta));
        assertArrayEquals(new float[32], theta.toArray());   // relative_bias initialises its table to zeros
        Tensor x = Tensor.randn(new Rng(6), 2, 6, 16);
        Tensor r = Tensor.randn(new Rng(7), 2, 6, 16);
        mha.forward(x, x, x, "causal", MaskInputs.none()).mul(r).sum().backward();
        float[] analytic = theta.grad().toArray();
        float[] t = theta.storage();
        double eps = 1e-2;
        int nonZero = 0;
        for (int e = 0; e < t.length; e++) {
            float saved = t[e];
            t[e] = (float) (saved + eps);
            double plus = project(mha, x, r);
            t[e] = (float) (saved - eps);
            double minus = project(mha, x, r);
            t[e] = saved;
            double numeric = (plus - minus) / (2 * eps);
            assertEquals(numeric, analytic[e], 2e-3 + 2e-2 * Math.abs(numeric), "d/dtheta[" + e + "]");
            if (analytic[e] != 0) nonZero++;
        }
        assertTrue(nonZero > 4, "gradient reaches the table: " + nonZero);
        assertFalse(MultiHeadAttention.builder(16, 4).scores("alibi", REGISTRY).build(new Rng(1))
                .namedParameters().containsKey("score_parameters"));
    }

    private static double project(MultiHeadAttention mha, Tensor x, Tensor r) {
        float[] y = mha.forward(x, x, x, "causal", MaskInputs.none()).toArray();
        float[] w = r.toArray();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) y[i] * w[i];
        return s;
    }

    @Test
    void gradientsReachTheInputsThroughRopeAndModifiers() {
        MultiHeadAttention mha = layer("rope(fraction=0.5) >> alibi >> softcap(cap=4)", 8);
        GradCheck.check(xs -> mha.forward(xs[0], xs[0], xs[0], "causal", MaskInputs.none()),
                Tensor.randn(new Rng(9), 1, 5, 16)).assertWithin(2e-2, 2e-3);
    }

    @Test
    void ropeOpMatchesTheTorchGoldensAndItsGradientIsTheInverseRotation() {
        List<TorchGolden.Case> cases = TorchGolden.load("score-mod-golden.txt").stream()
                .filter(c -> c.name().startsWith("rope_")).toList();
        assertTrue(cases.stream().anyMatch(c -> c.integer("start") > 0), "a decoding step at offset > 0 is covered");
        for (TorchGolden.Case c : cases) {
            Rope rope = new Rope(Double.parseDouble(c.word("theta")), Double.parseDouble(c.word("fraction")),
                    Rope.Layout.valueOf(c.word("layout").toUpperCase(Locale.ROOT)));
            Tensor x = Tensor.wrap(c.floats("x"), c.shape("x"));
            Fixtures.assertClose(c.name(), c.floats("rotated"), ScoredAttention.rotate(rope, x, c.integer("start")).toArray(),
                    1e-5, 0);
            GradCheck.check(xs -> ScoredAttention.rotate(rope, xs[0], c.integer("start")), x).assertWithin(1e-2, 1e-3);
        }
    }

    @Test
    void weightsAreDrawnAfterRotationAndModification() {
        MultiHeadAttention mha = layer("rope >> relative_bias(buckets=8, max_distance=16)", 10);
        Tensor x = Tensor.randn(new Rng(11), 1, 6, 16);
        MultiHeadAttention.Weighted w = mha.forwardWithWeights(x, x, x, "causal", MaskInputs.none());
        Fixtures.assertClose("output", mha.forward(x, x, x, "causal", MaskInputs.none()).toArray(), w.output().toArray(),
                1e-5, 1e-5);
        assertArrayEquals(new int[] {1, 4, 6, 6}, w.weights().shape());
        MultiHeadAttention plain = MultiHeadAttention.builder(16, 4).kvHeads(2).build(new Rng(10));
        plain.loadStateDict(mha.stateDict(), false);
        float[] before = plain.forwardWithWeights(x, x, x, "causal", MaskInputs.none()).weights().toArray();
        assertTrue(Fixtures.maxAbsDiff(before, w.weights().toArray()) > 1e-3, "the modification shows in the weights");
        for (int row = 0; row < 24; row++) {
            double sum = 0;
            for (int k = 0; k < 6; k++) sum += w.weights().toArray()[row * 6 + k];
            assertEquals(1, sum, 1e-5);
        }
    }

    @Test
    void specsParseOnceWithRopeFirstAndCanonicalForms() {
        AttentionScores s = AttentionScores.parse("rope(theta=500000) >> softcap(cap=30)", REGISTRY, 8);
        assertEquals(new Rope(500_000, 1, Rope.Layout.HALF), s.rope());
        assertEquals("rope(theta=500000.0, fraction=1.0, layout=\"half\") >> softcap(cap=30.0)", s.spec());
        assertEquals(s, AttentionScores.parse(s.spec(), REGISTRY, 8));
        assertTrue(AttentionScores.parse("none", REGISTRY, 8).isNone());
        assertEquals("none", AttentionScores.canonicalSyntax(" "));
        assertEquals("alibi >> rope(theta=10)", AttentionScores.canonicalSyntax("alibi>>rope(theta=10)"));
        assertEquals("rope must be the first stage of the score spec 'alibi >> rope' (it rotates queries and keys before"
                        + " any score exists) but is stage 2",
                assertThrows(IllegalArgumentException.class, () -> AttentionScores.parse("alibi >> rope", REGISTRY, 8))
                        .getMessage());
        assertTrue(assertThrows(MaskSpecException.class, () -> AttentionScores.parse("rope >> alibbi", REGISTRY, 8))
                .getMessage().contains("did you mean 'alibi'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttentionScores.parse("rope(layout=\"spiral\")",
                REGISTRY, 8)).getMessage().contains("rope layout must be \"half\" or \"interleaved\" but was \"spiral\""));
        assertEquals("rope with fraction 0.1 rotates no pair of a head of 4 features",
                assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(16, 4)
                        .scores("rope(fraction=0.1)", REGISTRY).build(new Rng(1))).getMessage());
        assertThrows(UnsupportedOperationException.class, () -> new RopeStrategy.Stage(s.rope()).apply(1, 0, 0, 0, 0, null, 0));
        MultiHeadAttention rope = layer("rope", 1);
        assertNotNull(rope.scores().rope());
        assertThrows(IllegalStateException.class, () -> rope.projectKeysValues(Tensor.zeros(1, 3, 16), Tensor.zeros(1, 3, 16)));
    }
}
