package dev.visor.attention;

import dev.visor.mask.ScoreModifier;
import dev.visor.tensor.Rng;
import java.util.Objects;

/**
 * The kernel half of the score-modifier contract, for plugin authors: runs a modifier inside the
 * fused flash kernel and checks it against the materialising reference ({@link ReferenceAttention})
 * and cached decoding against a full pass. {@code ScoreModifierContract} in masks-testkit checks the
 * modifier on its own (spec round-trip, derivatives and parameter gradients against finite
 * differences, row hooks against the element-wise methods); this checks what the kernel makes of it.
 *
 * <p>Checked, on lengths that cross kernel blocks (EMPTY, FULL and PARTIAL blocks, a row that attends
 * nothing), with the modifier's initial parameters perturbed at random:
 * <ul>
 *   <li>fused forward = reference: outputs and log-sum-exp;</li>
 *   <li>fused backward = reference: gradients of q, k, v and of the learnable parameters;</li>
 *   <li>cached decoding = full pass: the last queries run alone at their absolute positions
 *       ({@link ScoreModification#queryOffset()}) give the full pass's rows.</li>
 * </ul>
 *
 * <pre>{@code
 * @Test
 * void myModifierRunsInTheKernel() {
 *     ScoreModifier m = new MyModifier.Strategy().create(args, new ScoreContext(4));
 *     ScoreModifierKernelCheck.verify(m, 4, 42);      // throws AssertionError naming the element
 * }
 * }</pre>
 *
 * @since 0.2
 */
public final class ScoreModifierKernelCheck {
    private static final int BATCH = 2;
    private static final int DIM = 8;
    private static final int[] LENGTHS = {5, 70, 131};
    private static final int DECODED = 3;
    private static final double TOLERANCE = 2e-4;

    private ScoreModifierKernelCheck() {}

    /**
     * Checks {@code modifier} in the fused kernel; throws on the first disagreement.
     *
     * @param modifier the modifier, created for {@code heads} heads
     * @param heads the number of query heads it was created for, at least 1
     * @param seed the seed of the random inputs and parameter perturbation
     * @throws AssertionError naming the check, the shape, the element and both values when the kernel
     *     and the reference disagree beyond {@code 2e-4} (absolute plus relative)
     */
    public static void verify(ScoreModifier modifier, int heads, long seed) {
        Objects.requireNonNull(modifier, "modifier");
        if (heads < 1) throw new IllegalArgumentException("heads must be at least 1 but was " + heads);
        Rng rng = new Rng(seed);
        for (int length : LENGTHS) {
            ScoreModification mods = perturbed(modifier, rng);
            // causal, row 3 empty, and a sparse stripe past the diagonal: every block class occurs
            ElementMask mask = (b, h, i, j) -> i != 3 && (j <= i || (j - i) % 17 == b + h);
            forwardAndBackward(mods, mask, heads, length, rng);
            decodingEqualsFullPass(mods, heads, length, rng);
        }
    }

    private static ScoreModification perturbed(ScoreModifier modifier, Rng rng) {
        float[] theta = new float[modifier.parameterCount()];
        modifier.initialise(theta, 0);
        for (int i = 0; i < theta.length; i++) theta[i] += (float) (0.3 * rng.nextGaussian());
        return new ScoreModification(modifier, theta, 0);
    }

    private static void forwardAndBackward(ScoreModification mods, ElementMask mask, int heads, int length, Rng rng) {
        HeadsView q = random(rng, heads, length);
        HeadsView k = random(rng, heads, length);
        HeadsView v = random(rng, heads, length);
        HeadsView dOut = random(rng, heads, length);
        AttentionConfig cfg = AttentionConfig.defaults(DIM);
        BlockSparsity blocks = BlockSparsity.classify(mask, BATCH, heads, length, length,
                FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK, true, true);
        String where = mods.modifier().spec() + " at (" + BATCH + ", " + heads + ", " + length + ", " + DIM + ")";

        HeadsView out = HeadsView.zeros(BATCH, heads, length, DIM);
        float[] lse = FlashAttention.forward(q, k, v, out, blocks, cfg, mods);
        ReferenceAttention.Result ref = ReferenceAttention.forward(q, k, v, mask, cfg, mods);
        compare("forward output", where, ref.output(), out.data());
        compare("log-sum-exp", where, ref.logSumExp(), lse);

        HeadsView dq = HeadsView.zeros(BATCH, heads, length, DIM);
        HeadsView dk = HeadsView.zeros(BATCH, heads, length, DIM);
        HeadsView dv = HeadsView.zeros(BATCH, heads, length, DIM);
        float[] dTheta = FlashAttention.backward(q, k, v, out, lse, dOut, dq, dk, dv, blocks, cfg, mods);
        ReferenceAttention.Gradients g = ReferenceAttention.backward(q, k, v, mask, cfg, mods, dOut);
        compare("query gradient", where, g.dq(), dq.data());
        compare("key gradient", where, g.dk(), dk.data());
        compare("value gradient", where, g.dv(), dv.data());
        compare("parameter gradient", where, g.dTheta(), dTheta);
    }

    private static void decodingEqualsFullPass(ScoreModification mods, int heads, int length, Rng rng) {
        int n = Math.min(DECODED, length);
        int offset = length - n;
        HeadsView q = random(rng, heads, length);
        HeadsView k = random(rng, heads, length);
        HeadsView v = random(rng, heads, length);
        AttentionConfig cfg = AttentionConfig.defaults(DIM);
        ElementMask causal = (b, h, i, j) -> j <= i;
        HeadsView full = HeadsView.zeros(BATCH, heads, length, DIM);
        FlashAttention.forward(q, k, v, full, BlockSparsity.classify(causal, BATCH, heads, length, length,
                FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK, false, false), cfg, mods);

        HeadsView step = HeadsView.zeros(BATCH, heads, n, DIM);
        ElementMask atOffset = (b, h, i, j) -> j <= offset + i;
        FlashAttention.forward(rows(q, offset, n), k, v, step,
                BlockSparsity.classify(atOffset, BATCH, heads, n, length, FlashAttention.DEFAULT_BLOCK,
                        FlashAttention.DEFAULT_BLOCK, false, false), cfg, mods.atQueryOffset(mods.queryOffset() + offset));
        compare("cached decoding (last " + n + " queries at offset " + offset + ") against the full pass",
                mods.modifier().spec() + " at (" + BATCH + ", " + heads + ", " + length + ", " + DIM + ")",
                rows(full, offset, n).toArray(), step.data());
    }

    /** Positions {@code from .. from + n − 1} of {@code x}, as a view of the same storage. */
    private static HeadsView rows(HeadsView x, int from, int n) {
        return new HeadsView(x.data(), x.index(0, 0, from, 0), x.batch(), x.heads(), n, x.dim(),
                x.batchStride(), x.headStride(), x.seqStride(), x.dimStride());
    }

    private static HeadsView random(Rng rng, int heads, int length) {
        float[] x = new float[BATCH * heads * length * DIM];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        return HeadsView.contiguous(x, BATCH, heads, length, DIM);
    }

    private static void compare(String what, String where, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + " of " + where + ": the kernel gave " + actual.length
                    + " values but the reference " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            boolean same = e == a || Math.abs(e - a) <= TOLERANCE * (1 + Math.abs(e));
            if (!same) {
                throw new AssertionError(what + " of " + where + " differs at flat index " + i + ": kernel " + a
                        + ", reference " + e + " (tolerance " + TOLERANCE + " absolute plus relative)");
            }
        }
    }
}
