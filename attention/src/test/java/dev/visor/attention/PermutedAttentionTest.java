package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskVerification;
import dev.visor.mask.PositionOrder;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The reordered layout against the reference kernel, and when it is chosen. */
class PermutedAttentionTest {
    private static final MaskRegistry REGISTRY = MaskRegistry.load();

    static CompiledSparsity compile(Mask mask, MaskShape shape, int block) {
        return (CompiledSparsity) BlockSparsity.of(CompiledMask.compile(mask, shape, block, block, MaskVerification.OFF));
    }

    /** Forward and backward of the reordered layout equal the reference on the original mask. */
    static void checkAgainstReference(Mask mask, MaskShape shape, int kvHeads, int block, long seed) {
        CompiledSparsity natural = compile(mask, shape, block);
        PermutedLayout layout = PermutedLayout.build(natural);
        Rng rng = new Rng(seed);
        int b = shape.batch();
        int h = shape.heads();
        HeadsView q = Fixtures.randomSeqMajorView(rng, b, h, shape.queryLength(), 8);
        HeadsView k = Fixtures.randomView(rng, b, kvHeads, shape.keyLength(), 8);
        HeadsView v = Fixtures.randomView(rng, b, kvHeads, shape.keyLength(), 5);
        HeadsView dOut = Fixtures.randomView(rng, b, h, shape.queryLength(), 5);
        AttentionConfig cfg = AttentionConfig.defaults(8);
        ReferenceAttention.Result ref = ReferenceAttention.forward(q, k, v, natural, cfg);
        ReferenceAttention.Gradients g = ReferenceAttention.backward(q, k, v, natural, cfg, dOut);
        HeadsView out = new HeadsView(new float[b * h * shape.queryLength() * 5], 0, b, h, shape.queryLength(), 5,
                shape.queryLength() * h * 5, 5, h * 5, 1);   // (batch, Lq, heads, dv), as multi-head attention lays it out
        float[] lse = PermutedAttention.forward(q, k, v, out, layout, cfg);
        HeadsView dq = HeadsView.zeros(b, h, shape.queryLength(), 8);
        HeadsView dk = HeadsView.zeros(b, kvHeads, shape.keyLength(), 8);
        HeadsView dv = HeadsView.zeros(b, kvHeads, shape.keyLength(), 5);
        PermutedAttention.backward(q, k, v, out, lse, dOut, dq, dk, dv, layout, cfg);
        String what = mask.spec() + " in " + mask.kernelOrder() + " order, " + shape;
        Fixtures.assertClose("output of " + what, ref.output(), out.toArray(), 3e-5, 1e-4);
        Fixtures.assertClose("lse of " + what, ref.logSumExp(), lse, 3e-5, 1e-5);
        Fixtures.assertClose("dq of " + what, g.dq(), dq.toArray(), 2e-4, 1e-3);
        Fixtures.assertClose("dk of " + what, g.dk(), dk.toArray(), 2e-4, 1e-3);
        Fixtures.assertClose("dv of " + what, g.dv(), dv.toArray(), 2e-4, 1e-3);
    }

    @Test
    void stridedEqualsTheReferenceWithGroupedHeads() {
        checkAgainstReference(new PermutedMasks.Strided(8, 4), new MaskShape(1, 4, 200, 200, 0), 2, 16, 1);
    }

    @Test
    void stridedWithLeftAndRightPaddingAndEmptyRows() {
        MaskContext ctx = MaskContext.builder(2, 2, 96, 96)
                .validRanges(new int[] {0, 30}, new int[] {70, 96}).build();
        Mask mask = new PermutedMasks.Strided(5, 3).and(REGISTRY.create("padding & query_padding", ctx));
        checkAgainstReference(mask, ctx.shape(), 1, 16, 2);
    }

    @Test
    void stridedAfterAKvCacheOffset() {
        checkAgainstReference(new PermutedMasks.Strided(4, 2), new MaskShape(1, 2, 37, 101, 64), 2, 8, 3);
    }

    @Test
    void randomPermutationsOfBuiltInsEqualTheReference() {
        MaskContext ctx = MaskContext.builder(2, 2, 70, 70).validLengths(70, 41).build();
        for (String spec : new String[] {"causal & padding", "sliding_window(left=5) | global(positions=[3])", "full"}) {
            Mask mask = new PermutedMasks.Reordered(REGISTRY.create(spec, ctx), new PermutedMasks.Shuffle(spec.length()));
            checkAgainstReference(mask, ctx.shape(), 2, 16, spec.hashCode());
        }
    }

    @Test
    void stridedIsReorderedAndItsBlocksBecomeFullOrEmpty() {
        MaskShape shape = new MaskShape(1, 4, 2048, 2048, 0);
        CompiledSparsity natural = compile(new PermutedMasks.Strided(8, 4), shape, 64);
        assertEquals(0, natural.compiled().count(BlockClass.FULL), "natural strided has no FULL block");
        assertEquals(32 * 33 / 2, natural.compiled().count(BlockClass.PARTIAL, 0, 0));
        AttentionConfig cfg = AttentionConfig.defaults(64);
        assertTrue(PermutedAttention.reorders(natural, cfg));
        CompiledMask kernel = natural.permutedLayout().kernel().compiled();
        // 8 residue classes of 256 positions (4 blocks): a causal 4 × 4 block triangle each (6 FULL, 4 PARTIAL);
        // the local window joins class r to r−1..r−3 on the block diagonal (4 PARTIAL blocks; 18 such pairs),
        // and across the wrap class r to r+5..r+7 one position earlier (4 diagonal + 3 sub-diagonal; 6 pairs)
        assertEquals(8 * 6, kernel.count(BlockClass.FULL, 0, 0), kernel.render());
        assertEquals(8 * 4 + 18 * 4 + 6 * 7, kernel.count(BlockClass.PARTIAL, 0, 0), kernel.render());
        assertFalse(PermutedAttention.reorders(natural, cfg.withDropout(0.1f, 7)), "dropout keeps the natural layout");
    }

    @Test
    void naturalAndUnhelpfulOrdersKeepTheNaturalLayout() {
        MaskShape shape = new MaskShape(1, 1, 512, 512, 0);
        AttentionConfig cfg = AttentionConfig.defaults(64);
        Mask causal = REGISTRY.create("causal", MaskContext.of(shape));
        assertFalse(PermutedAttention.reorders(compile(causal, shape, 64), cfg));
        Mask shuffledWindow = new PermutedMasks.Reordered(REGISTRY.create("sliding_window(left=100)", MaskContext.of(shape)),
                new PermutedMasks.Shuffle(1));
        assertFalse(PermutedAttention.reorders(compile(shuffledWindow, shape, 64), cfg), "a shuffle only scatters a window");
        assertFalse(PermutedAttention.reorders(null, cfg));
    }

    @Test
    void theTensorPathReordersAndStillMatchesTheReference() {
        MaskShape shape = new MaskShape(1, 2, 512, 512, 0);
        CompiledSparsity mask = compile(new PermutedMasks.Strided(8, 4), shape, 16);
        assertTrue(PermutedAttention.reorders(mask, AttentionConfig.defaults(16)));
        Rng rng = new Rng(5);
        Tensor q = Tensor.randn(rng, 1, 2, 512, 16).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 1, 2, 512, 16).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 1, 2, 512, 16).requiresGrad(true);
        Tensor seed = Tensor.randn(rng, 1, 2, 512, 16);
        Attention.flash(q, k, v, mask, AttentionConfig.defaults(16)).backward(seed);
        float[] dq = q.grad().toArray();
        q.zeroGrad();
        Attention.ReferenceResult ref = Attention.reference(q, k, v, mask, AttentionConfig.defaults(16));
        ref.output().backward(seed);
        Fixtures.assertClose("dq", q.grad().toArray(), dq, 2e-4, 1e-3);
    }

    @Test
    void badGradientShapesAreNamedBeforeAnythingIsWritten() {
        MaskShape shape = new MaskShape(1, 1, 8, 8, 0);
        PermutedLayout layout = PermutedLayout.build(compile(new PermutedMasks.Strided(2, 1), shape, 4));
        HeadsView x = HeadsView.zeros(1, 1, 8, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PermutedAttention.backward(
                x, x, x, x, new float[7], x, x, x, x, layout, AttentionConfig.defaults(4)));
        assertEquals("log-sum-exp must hold 8 values (batch·heads·Lq) but got 7", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PermutedAttention.backward(
                x, x, x, x, new float[8], x, HeadsView.zeros(1, 1, 8, 3), x, x, layout, AttentionConfig.defaults(4)));
        assertEquals("query gradient must be (1, 1, 8, 4) but got (1, 1, 8, 3)", e.getMessage());
    }

    @Test
    void anOrderThatIsNotAPermutationIsNamed() {
        PositionOrder broken = (first, count) -> new int[count];   // every position is `0`
        Mask mask = new PermutedMasks.Reordered(new PermutedMasks.Strided(2, 1), broken);
        CompiledSparsity natural = compile(mask, new MaskShape(1, 1, 4, 4, 0), 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PermutedLayout.build(natural));
        assertTrue(e.getMessage().contains("is not a permutation of [0, 4): position 0 at index 1 repeats"), e.getMessage());
    }
}
