package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.builtin.Builtins;
import dev.visor.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Score modifiers fused into the flash kernel ({@link FlashAttention} with a
 * {@link ScoreModification}) against the materialising reference, on the random shapes, block sizes,
 * masks (EMPTY, FULL and PARTIAL blocks, empty rows), grouped heads, dropout, chunkings and both tile
 * op sets of {@link AttentionCase}; every built-in, chains of them, and a modifier that only has the
 * element-wise methods (so the default row hooks run). Also: parameter gradients are bit-for-bit
 * repeatable, equal finite differences, and EMPTY blocks never reach a modifier.
 */
class FusedScoreModifierProperties {
    /** The modifiers tried; {@code plain} is {@link PlainModifier}. */
    static final String[] SPECS = {
        "alibi", "softcap(cap=0.8)", "softcap(cap=20)", "relative_bias(buckets=8, max_distance=6)",
        "relative_bias(buckets=6, max_distance=5, bidirectional=false)", "plain",
        "relative_bias(buckets=8, max_distance=4) >> softcap(cap=0.9) >> alibi",
        "softcap(cap=1.5) >> plain >> relative_bias(buckets=4, max_distance=3, bidirectional=false)",
    };

    @Provide
    Arbitrary<AttentionCase> cases() {
        return AttentionCase.arbitrary(40, true);
    }

    @Provide
    Arbitrary<Integer> specs() {
        return Arbitraries.integers().between(0, SPECS.length - 1);
    }

    /** A modifier for a site of {@code heads} heads, with random parameters at a query offset. */
    static ScoreModification modification(String spec, int heads, long seed, int offset) {
        List<ScoreModifier> stages = new ArrayList<>();
        for (String part : spec.split(">>")) {
            String p = part.trim();
            stages.add(p.equals("plain") ? new PlainModifier(heads)
                    : Builtins.scoreRegistry().create(p, new ScoreContext(heads)));
        }
        ScoreModifier m = stages.get(0);
        for (int i = 1; i < stages.size(); i++) m = m.then(stages.get(i));
        Rng rng = new Rng(seed);
        float[] theta = new float[m.parameterCount()];
        for (int i = 0; i < theta.length; i++) theta[i] = (float) rng.nextGaussian() * 0.5f;
        return new ScoreModification(m, theta, offset);
    }

    @Property
    void fusedKernelEqualsTheReference(@ForAll("cases") AttentionCase c, @ForAll("specs") int spec,
                                       @ForAll @IntRange(min = 0, max = 30) int offset) {
        ScoreModification mods = modification(SPECS[spec], c.heads(), c.seed(), offset);
        AttentionCase.Data d = c.data();
        ReferenceAttention.Result ref = ReferenceAttention.forward(d.q(), d.k(), d.v(), c.mask(), c.config(), mods);
        ReferenceAttention.Gradients g = ReferenceAttention.backward(d.q(), d.k(), d.v(), c.mask(), c.config(), mods,
                d.dOut());
        Fused f = fused(c, d, mods);
        String what = SPECS[spec] + " at offset " + offset + " ";
        Fixtures.assertClose(what + "output", ref.output(), f.out, 3e-5, 1e-4);
        Fixtures.assertClose(what + "lse", ref.logSumExp(), f.lse, 3e-5, 1e-5);
        Fixtures.assertClose(what + "dq", g.dq(), f.dq, 2e-4, 1e-3);
        Fixtures.assertClose(what + "dk", g.dk(), f.dk, 2e-4, 1e-3);
        Fixtures.assertClose(what + "dv", g.dv(), f.dv, 2e-4, 1e-3);
        Fixtures.assertClose(what + "dTheta", g.dTheta(), f.dTheta, 3e-4, 1e-3);
    }

    /** Parameter gradients are summed in a fixed order: two runs agree bit for bit, whatever the threads did. */
    @Property(tries = 30)
    void parameterGradientsAreRepeatable(@ForAll("cases") AttentionCase c, @ForAll("specs") int spec) {
        ScoreModification mods = modification(SPECS[spec], c.heads(), c.seed(), 3);
        AttentionCase.Data d = c.data();
        Fused a = fused(c, d, mods);
        Fused b = fused(c, d, mods);
        assertArrayEquals(a.dTheta, b.dTheta);
        assertArrayEquals(a.dk, b.dk);
    }

    /** The fused kernel's gradients in the table and in q against central differences of its own forward. */
    @Example
    void fusedGradientsEqualFiniteDifferences() {
        TestMasks.Mask causal = new TestMasks.Leaf("causal+4", false, false, (b, h, i, j) -> j <= i + 4);
        for (boolean vector : new boolean[] {false, dev.visor.tensor.kernel.VectorSupport.available()}) {
            AttentionCase cv = new AttentionCase(2, 4, 2, 19, 23, 8, 5, 8, 8, causal, 0.6f, 0f, 99L, 2, vector);
            ScoreModification mods = modification(SPECS[7], cv.heads(), 5L, 4);
            AttentionCase.Data d = cv.data();
            Fused f = fused(cv, d, mods);
            checkFiniteDifferences("dTheta", mods.theta(), 1, f.dTheta, cv, d, mods);
            checkFiniteDifferences("dq", d.q().data(), 7, f.dq, cv, d, mods);
        }
    }

    /** Every {@code step}-th entry of {@code x} against the central difference of the fused forward's loss. */
    private static void checkFiniteDifferences(String what, float[] x, int step, float[] analytic, AttentionCase c,
                                               AttentionCase.Data d, ScoreModification mods) {
        for (int i = 0; i < x.length; i += step) {
            float keep = x[i];
            x[i] = keep + 1e-2f;
            double up = loss(c, d, mods);
            x[i] = keep - 1e-2f;
            double down = loss(c, d, mods);
            x[i] = keep;
            double fd = (up - down) / 2e-2;
            assertEquals(fd, analytic[i], 2e-3 + 2e-2 * Math.abs(fd), what + "[" + i + "] with " + c.ops());
        }
    }

    /** Rows that attend nothing give 0, a log-sum-exp of −∞ and no gradient, even after soft-capping. */
    @Example
    void emptyRowsStayZero() {
        ElementMask mask = (b, h, i, j) -> i % 3 != 1 && j <= i;
        BlockSparsity sp = BlockSparsity.classify(mask, 1, 2, 12, 12, 4, 4, false, false);
        Rng rng = new Rng(3);
        HeadsView q = Fixtures.randomView(rng, 1, 2, 12, 4);
        HeadsView k = Fixtures.randomView(rng, 1, 2, 12, 4);
        HeadsView v = Fixtures.randomView(rng, 1, 2, 12, 4);
        HeadsView dOut = Fixtures.randomView(rng, 1, 2, 12, 4);
        ScoreModification mods = modification("softcap(cap=2) >> relative_bias(buckets=8, max_distance=6)", 2, 1L, 0);
        HeadsView out = HeadsView.zeros(1, 2, 12, 4);
        AttentionConfig cfg = AttentionConfig.defaults(4);
        float[] lse = FlashAttention.forward(q, k, v, out, sp, cfg, mods);
        HeadsView dq = HeadsView.zeros(1, 2, 12, 4);
        FlashAttention.backward(q, k, v, out, lse, dOut, dq, HeadsView.zeros(1, 2, 12, 4), HeadsView.zeros(1, 2, 12, 4),
                sp, cfg, mods);
        for (int h = 0; h < 2; h++) {
            for (int i = 1; i < 12; i += 3) {
                assertEquals(Float.NEGATIVE_INFINITY, lse[h * 12 + i]);
                for (int c = 0; c < 4; c++) {
                    assertEquals(0f, out.get(0, h, i, c));
                    assertEquals(0f, dq.get(0, h, i, c));
                }
            }
        }
    }

    /** A built-in made for fewer heads than the call has is refused by name, not with an index error. */
    @Example
    void aModifierForTooFewHeadsIsNamed() {
        HeadsView x = Fixtures.randomView(new Rng(1), 1, 4, 5, 4);
        for (String spec : new String[] {"alibi", "softcap(cap=3) >> relative_bias(buckets=8, max_distance=6)"}) {
            ScoreModification mods = modification(spec, 2, 1L, 0);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> FlashAttention.forward(x, x, x, HeadsView.zeros(1, 4, 5, 4), null, AttentionConfig.defaults(4),
                            mods));
            assertTrue(e.getMessage().contains("made for 2 heads") && e.getMessage().contains("4 query heads"),
                    e.getMessage());
        }
    }

    /** The kernel hands a modifier only rows of visited blocks: keys of EMPTY blocks never reach it. */
    @Example
    void emptyBlocksNeverReachTheModifier() {
        List<int[]> calls = new ArrayList<>();
        ScoreModifier recording = new PlainModifier(1) {
            @Override
            public void applyRow(float[] scores, int off, int count, int batch, int head, int query, int firstKey,
                                 float[] theta, int at) {
                synchronized (calls) {
                    calls.add(new int[] {query, firstKey, count});
                }
                super.applyRow(scores, off, count, batch, head, query, firstKey, theta, at);
            }
        };
        BlockSparsity causal = BlockSparsity.classify((b, h, i, j) -> j <= i, 1, 1, 64, 64, 16, 16, false, false);
        Rng rng = new Rng(8);
        HeadsView x = Fixtures.randomView(rng, 1, 1, 64, 4);
        FlashAttention.forward(x, x, x, HeadsView.zeros(1, 1, 64, 4), causal, AttentionConfig.defaults(4),
                new ScoreModification(recording, new float[] {1f}, 100));
        int visited = 0;
        for (int[] call : calls) {
            int queryBlock = (call[0] - 100) / 16;
            assertTrue(call[1] / 16 <= queryBlock, "key block " + call[1] / 16 + " of query " + call[0]);
            assertEquals(16, call[2]);
            visited++;
        }
        assertEquals(64 * (1 + 2 + 3 + 4) / 4, visited, "one call per row of each visited block");
    }

    private static double loss(AttentionCase c, AttentionCase.Data d, ScoreModification mods) {
        HeadsView out = HeadsView.zeros(c.batch(), c.heads(), c.lq(), c.dv());
        FlashAttention.forward(d.q(), d.k(), d.v(), out, c.sparsity(), c.config(), mods, c.ops(), c.chunks());
        double l = 0;
        float[] o = out.toArray();
        float[] g = d.dOut().toArray();
        for (int i = 0; i < o.length; i++) l += (double) o[i] * g[i];
        return l;
    }

    record Fused(float[] out, float[] lse, float[] dq, float[] dk, float[] dv, float[] dTheta) {}

    static Fused fused(AttentionCase c, AttentionCase.Data d, ScoreModification mods) {
        HeadsView out = HeadsView.zeros(c.batch(), c.heads(), c.lq(), c.dv());
        BlockSparsity sp = c.sparsity();
        float[] lse = FlashAttention.forward(d.q(), d.k(), d.v(), out, sp, c.config(), mods, c.ops(), c.chunks());
        HeadsView dq = HeadsView.zeros(c.batch(), c.heads(), c.lq(), c.dk());
        HeadsView dk = HeadsView.zeros(c.batch(), c.kvHeads(), c.lk(), c.dk());
        HeadsView dv = HeadsView.zeros(c.batch(), c.kvHeads(), c.lk(), c.dv());
        float[] dTheta = FlashAttention.backward(d.q(), d.k(), d.v(), out, lse, d.dOut(), dq, dk, dv, sp, c.config(),
                mods, c.ops(), c.chunks());
        return new Fused(out.toArray(), lse, dq.toArray(), dk.toArray(), dv.toArray(), dTheta);
    }

    /**
     * A modifier with only the element-wise methods (the default row hooks run), a learnable scale
     * per head and a position term: {@code s' = theta[h] · s + 0.05 · (k − q)}.
     */
    static class PlainModifier implements ScoreModifier {
        private final int heads;

        PlainModifier(int heads) {
            this.heads = heads;
        }

        @Override
        public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
            return theta[at + head] * score + 0.05f * (key - query);
        }

        @Override
        public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
            return theta[at + head];
        }

        @Override
        public int[] parameterShape() {
            return new int[] {heads};
        }

        @Override
        public void accumulateGradient(float gradient, float score, int batch, int head, int query, int key,
                                       float[] theta, int at, float[] thetaGradient) {
            thetaGradient[at + head] += gradient * score;
        }

        @Override
        public String spec() {
            return "plain";
        }
    }
}
