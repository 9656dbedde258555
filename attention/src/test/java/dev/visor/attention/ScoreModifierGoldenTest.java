package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.builtin.AlibiModifier;
import dev.visor.mask.builtin.Builtins;
import dev.visor.mask.builtin.RelativeBiasModifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Score modifiers against PyTorch 1.13 goldens written by {@code src/test/python/gen_score_mod_golden.py}:
 * ALiBi slopes (the paper's and BLOOM's), T5's bucket function, and the reference kernel's forward
 * with ALiBi, soft-capping and T5 relative bias (≤ 1e-5), plus the bias table's gradient (≤ 1e-4).
 */
class ScoreModifierGoldenTest {
    private static final List<TorchGolden.Case> CASES = TorchGolden.load("score-mod-golden.txt");

    private static List<TorchGolden.Case> cases(String prefix) {
        List<TorchGolden.Case> out = CASES.stream().filter(c -> c.name().startsWith(prefix)).toList();
        assertTrue(out.size() >= 2, "golden cases " + prefix + "*");
        return out;
    }

    @Test
    void alibiSlopesAreThePapersAndBloomsForEveryHeadCount() {
        for (TorchGolden.Case c : cases("slopes_")) {
            int heads = c.integer("heads");
            float[] paper = c.floats("paper");
            double[] ours = AlibiModifier.standardSlopes(heads);
            float[] bloom = c.floats("bloom");
            float[] stored = AlibiModifier.standard(heads).slopes();
            assertEquals(heads, ours.length);
            for (int h = 0; h < heads; h++) {
                assertEquals(paper[h], ours[h], 1e-7 * paper[h], c.name() + " head " + h);
                // BLOOM raises a float32 base to integer powers, a few ulps off the exact powers of 2
                assertEquals(bloom[h], stored[h], 1e-6 * bloom[h], c.name() + " head " + h);
            }
        }
    }

    @Test
    void t5BucketsAreHuggingFacesForEveryOffset() {
        for (TorchGolden.Case c : cases("buckets_")) {
            int n = c.integer("buckets");
            int max = c.integer("max_distance");
            boolean bi = c.flag("bidirectional");
            int from = c.integer("from");
            int[] expected = c.ints("bucket");
            int[] actual = new int[expected.length];
            for (int i = 0; i < actual.length; i++) actual[i] = RelativeBiasModifier.bucket(from + i, bi, n, max);
            assertArrayEquals(expected, actual, c.name());
        }
    }

    @Test
    void referenceAttentionWithModifiersMatchesTorch() {
        assertEquals(8, checkAgainstTorch(false));
    }

    @Test
    void fusedFlashKernelWithModifiersMatchesTorch() {
        assertEquals(8, checkAgainstTorch(true));
    }

    /** Compares every golden case's output (and table gradient) with the reference or the fused kernel. */
    private static int checkAgainstTorch(boolean fused) {
        int checked = 0;
        for (TorchGolden.Case c : CASES) {
            if (!c.has("output")) continue;
            int heads = c.integer("heads");
            int[] shape = c.shape("q");                             // (1, H, L, D)
            int l = shape[2];
            int d = shape[3];
            HeadsView q = HeadsView.contiguous(c.floats("q"), 1, heads, l, d);
            HeadsView k = HeadsView.contiguous(c.floats("k"), 1, heads, l, d);
            HeadsView v = HeadsView.contiguous(c.floats("v"), 1, heads, l, d);
            ScoreModifier m = Builtins.scoreRegistry().create(c.word("spec"), new ScoreContext(heads));
            float[] theta = c.has("table") ? c.floats("table") : new float[0];
            ScoreModification mods = new ScoreModification(m, theta, 0);
            ElementMask mask = c.flag("causal") ? (b, h, i, j) -> j <= i : null;
            AttentionConfig cfg = AttentionConfig.defaults(d);
            BlockSparsity blocks = mask == null ? null : BlockSparsity.classify(mask, 1, heads, l, l, 16, 16, false, false);
            HeadsView o = HeadsView.zeros(1, heads, l, d);
            float[] lse = fused ? FlashAttention.forward(q, k, v, o, blocks, cfg, mods) : null;
            float[] out = fused ? o.data() : ReferenceAttention.forward(q, k, v, mask, cfg, mods).output();
            Fixtures.assertClose(c.name() + " output", c.floats("output"), out, 1e-5, 0);
            if (c.has("d_table")) {
                HeadsView dOut = HeadsView.contiguous(c.floats("d_out"), 1, heads, l, d);
                float[] dTable = fused
                        ? FlashAttention.backward(q, k, v, o, lse, dOut, HeadsView.zeros(1, heads, l, d),
                                HeadsView.zeros(1, heads, l, d), HeadsView.zeros(1, heads, l, d), blocks, cfg, mods)
                        : ReferenceAttention.backward(q, k, v, mask, cfg, mods, dOut).dTheta();
                Fixtures.assertClose(c.name() + " table gradient", c.floats("d_table"), dTable, 1e-4, 0);
            }
            checked++;
        }
        return checked;
    }
}
