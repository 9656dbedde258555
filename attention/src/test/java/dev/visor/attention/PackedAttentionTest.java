package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.AllocationMeter;
import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import org.junit.jupiter.api.Test;

/**
 * Self-attention over one packed projection ({@link Attention#flashPacked}, what
 * {@link MultiHeadAttention} runs for plain self-attention over its stacked weight) against its
 * composition: the product narrowed into q, k and v, each split into heads as a view, through
 * {@link Attention#flash}. Same kernel calls on the same elements, so the same bits, forward and
 * backward; finite differences check the gradients on their own.
 */
class PackedAttentionTest {
    private static final int BATCH = 3;
    private static final int LENGTH = 11;

    @Test
    void packedEqualsTheViewCompositionBitForBit() {
        for (int[] heads : new int[][] {{4, 4}, {4, 2}, {2, 1}}) {
            for (float dropout : new float[] {0f, 0.25f}) {
                Rng rng = new Rng(40 + heads[1]);
                int headDim = 8;
                AttentionConfig cfg = dropout == 0 ? AttentionConfig.defaults(headDim)
                        : AttentionConfig.defaults(headDim).withDropout(dropout, 77);
                BlockSparsity mask = mask("causal & padding", heads[0]);
                int width = (heads[0] + 2 * heads[1]) * headDim;
                Tensor upstream = Tensor.randn(rng, BATCH, LENGTH, heads[0] * headDim);
                Tensor[] packed = run(width, upstream, true, heads[0], heads[1], headDim, mask, cfg);
                Tensor[] views = run(width, upstream, false, heads[0], heads[1], headDim, mask, cfg);
                String what = heads[0] + "/" + heads[1] + " heads, dropout " + dropout;
                for (int i = 0; i < packed.length; i++) {
                    assertArrayEquals(views[i].toArray(), packed[i].toArray(), what + ", result " + i);
                }
            }
        }
    }

    @Test
    void crossAttentionOverTwoProductsEqualsTheViewCompositionBitForBit() {
        Rng rng = new Rng(44);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 8;
        int lk = 7;
        int e = heads * headDim;
        Tensor q = Tensor.randn(rng, BATCH, LENGTH, e).requiresGrad(true);
        Tensor kv = Tensor.randn(rng, BATCH, lk, 2 * kvHeads * headDim).requiresGrad(true);
        Tensor q2 = q.detach().requiresGrad(true);
        Tensor kv2 = kv.detach().requiresGrad(true);
        Tensor upstream = Tensor.randn(rng, BATCH, LENGTH, e);
        MaskContext ctx = MaskContext.builder(BATCH, heads, LENGTH, lk).validLengths(7, 5, 1).build();
        BlockSparsity mask = BlockSparsity.of(CompiledMask.compile(MaskRegistry.load().create("padding", ctx), ctx.shape(), 4, 4));
        AttentionConfig cfg = AttentionConfig.defaults(headDim).withDropout(0.25f, 5);
        Tensor packed = Attention.flashProjected(q, kv, heads, kvHeads, headDim, mask, cfg);
        packed.mul(upstream).sum().backward();
        int kvDim = kvHeads * headDim;
        Tensor views = Attention.flash(split(q2, heads, headDim), split(kv2.narrow(2, 0, kvDim), kvHeads, headDim),
                split(kv2.narrow(2, kvDim, kvDim), kvHeads, headDim), mask, cfg, true).output();
        views.mul(upstream).sum().backward();
        assertArrayEquals(views.toArray(), packed.toArray());
        assertArrayEquals(q2.grad().toArray(), q.grad().toArray());
        assertArrayEquals(kv2.grad().toArray(), kv.grad().toArray());
        GradCheck.check(xs -> Attention.flashProjected(xs[0], xs[1], heads, kvHeads, headDim, mask,
                AttentionConfig.defaults(headDim)), q.detach().requiresGrad(true), kv.detach().requiresGrad(true))
                .assertWithin(2e-2, 2e-3);
    }

    @Test
    void multiHeadCrossAttentionGradientsThroughThePackedPath() {
        Rng rng = new Rng(54);
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 2).kvHeads(1).build(rng);
        Tensor x = Tensor.randn(rng, 2, 6, 8).requiresGrad(true);
        Tensor memory = Tensor.randn(rng, 2, 5, 8).requiresGrad(true);
        GradCheck.check(xs -> mha.forward(xs[0], xs[1], xs[1], "padding", MaskInputs.none().withValidLengths(5, 3)),
                x, memory).assertWithin(2e-2, 2e-3);
        Tensor w = mha.stateDict().get("in_proj_weight");
        GradCheck.check(xs -> mha.forward(x, memory, memory, "full", MaskInputs.none()), w).assertWithin(2e-2, 2e-3);
    }

    @Test
    void packedGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(51);
        int heads = 4;
        int kvHeads = 2;
        int headDim = 4;
        int width = (heads + 2 * kvHeads) * headDim;
        BlockSparsity mask = mask("causal & padding", heads);
        Tensor qkv = Tensor.randn(rng, BATCH, LENGTH, width).requiresGrad(true);
        GradCheck.check(xs -> Attention.flashPacked(xs[0], heads, kvHeads, headDim, mask, AttentionConfig.defaults(headDim)), qkv)
                .assertWithin(2e-2, 2e-3);
    }

    @Test
    void multiHeadSelfAttentionGradientsThroughThePackedPath() {
        Rng rng = new Rng(52);
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 2).build(rng);
        Tensor x = Tensor.randn(rng, 2, 6, 8).requiresGrad(true);
        Tensor w = mha.stateDict().get("in_proj_weight");
        Tensor b = mha.stateDict().get("in_proj_bias");
        GradCheck.check(xs -> mha.forward(xs[0], xs[0], xs[0], "causal & padding", MaskInputs.none().withValidLengths(6, 4)),
                x).assertWithin(2e-2, 2e-3);
        GradCheck.check(xs -> mha.forward(x, x, x, "full", MaskInputs.none()), w, b).assertWithin(2e-2, 2e-3);
    }

    @Test
    void badPackedShapesAreNamed() {
        BlockSparsity mask = mask("full", 4);
        Tensor wrong = Tensor.zeros(BATCH, LENGTH, 40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Attention.flashPacked(wrong, 4, 2, 8, mask, AttentionConfig.defaults(8)));
        assertTrue(e.getMessage().contains("(batch, L, 64)") && e.getMessage().contains("[3, 11, 40]"), e.getMessage());
        Tensor strided = Tensor.zeros(BATCH, 64, LENGTH).transpose(1, 2);
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.flashPacked(strided, 4, 2, 8, mask, AttentionConfig.defaults(8)));
        assertTrue(e.getMessage().contains("not contiguous"), e.getMessage());
    }

    /**
     * The backward of self-attention over the packed projection allocates one gradient of the
     * product's width, not one per block embedded into zeros plus their sum and the transposed copies;
     * the composition, measured the same way, is the control that shows the bound can fail.
     */
    @Test
    void packedBackwardAllocatesOneFullWidthGradient() {
        int heads = 4;
        int headDim = 16;
        int batch = 4;
        int length = 48;
        int width = 3 * heads * headDim;
        long fullWidth = 4L * batch * length * width;
        BlockSparsity mask = maskOf("causal", batch, heads, length);
        Rng rng = new Rng(53);
        Tensor upstream = Tensor.randn(rng, batch, length, heads * headDim);
        long packed = Long.MAX_VALUE;
        long views = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            packed = Math.min(packed, backwardBytes(rng, batch, length, width, upstream, true, heads, headDim, mask));
            views = Math.min(views, backwardBytes(rng, batch, length, width, upstream, false, heads, headDim, mask));
        }
        // packed (measured 2.99 full widths): the full-width gradient, the loss's mul and sum backward, the
        // projection's dx and dW (1/3 of it each) and the kernel's scratch; the composition (8.0) adds
        // three embedded blocks, their sum, three transposed copies and three head-layout gradients
        long bound = 4 * fullWidth;
        if (packed >= bound) { // where the bytes went: the caller, a kernel thread, or a thread another test left running
            int extra = FlashScratch.extra.get();
            var rows = AllocationMeter.byThread(() -> backwardBytes(rng, batch, length, width, upstream, true, heads, headDim, mask));
            fail("packed backward allocated " + packed + " bytes (least of " + ROUNDS + " rounds), bound " + bound
                    + " (full-width gradient " + fullWidth + "); one more round by thread: " + rows
                    + "; flash scratch made because none kept was free: " + (FlashScratch.extra.get() - extra)
                    + " (bytes on the caller or a kernel thread in every round, with none of that scratch, point at a"
                    + " kernel C2 compiled with boxed vectors: docs/DESIGN.md, \"No branch in a vector kernel that one"
                    + " pass never takes and the next one does\")");
        }
        assertTrue(views > bound, "the composition's backward allocated " + views + " bytes, expected over " + bound);
    }

    private static final int ROUNDS = Integer.getInteger("visor.test.packedRounds", 200);

    private static long backwardBytes(Rng rng, int batch, int length, int width, Tensor upstream, boolean packed, int heads,
                                      int headDim, BlockSparsity mask) {
        Tensor x = Tensor.randn(rng, batch, length, heads * headDim).requiresGrad(true);
        Tensor w = Tensor.randn(rng, width, heads * headDim).requiresGrad(true);
        Tensor qkv = Functional.linear(x, w, null);
        Tensor y = packed ? Attention.flashPacked(qkv, heads, heads, headDim, mask, AttentionConfig.defaults(headDim))
                : composed(qkv, heads, heads, headDim, mask, AttentionConfig.defaults(headDim));
        Tensor loss = y.mul(upstream).sum();
        long before = AllocationMeter.allThreads();
        loss.backward();
        return AllocationMeter.allThreads() - before;
    }

    /** The packed product's three blocks as head-split views through the plain kernel, heads merged. */
    private static Tensor composed(Tensor qkv, int heads, int kvHeads, int headDim, BlockSparsity mask, AttentionConfig cfg) {
        int e = heads * headDim;
        int kv = kvHeads * headDim;
        Tensor q = split(qkv.narrow(2, 0, e), heads, headDim);
        Tensor k = split(qkv.narrow(2, e, kv), kvHeads, headDim);
        Tensor v = split(qkv.narrow(2, e + kv, kv), kvHeads, headDim);
        return Attention.flash(q, k, v, mask, cfg, true).output();
    }

    private static Tensor split(Tensor x, int n, int headDim) {
        return x.reshape(x.size(0), x.size(1), n, headDim).transpose(1, 2);
    }

    /** The output, then the gradients of x, the projection's weight and bias under a fixed upstream gradient. */
    private static Tensor[] run(int width, Tensor upstream, boolean packed, int heads, int kvHeads, int headDim,
                                BlockSparsity mask, AttentionConfig cfg) {
        Rng rng = new Rng(9);   // both runs see the same inputs
        Tensor x = Tensor.randn(rng, BATCH, LENGTH, heads * headDim).requiresGrad(true);
        Tensor w = Tensor.randn(rng, width, heads * headDim).requiresGrad(true);
        Tensor b = Tensor.randn(rng, width).requiresGrad(true);
        Tensor qkv = Functional.linear(x, w, b);
        Tensor y = packed ? Attention.flashPacked(qkv, heads, kvHeads, headDim, mask, cfg)
                : composed(qkv, heads, kvHeads, headDim, mask, cfg);
        y.mul(upstream).sum().backward();
        return new Tensor[] {y, x.grad(), w.grad(), b.grad()};
    }

    private static BlockSparsity mask(String spec, int heads) {
        MaskContext ctx = MaskContext.builder(BATCH, heads, LENGTH, LENGTH).validLengths(LENGTH, 7, 1).build();
        return BlockSparsity.of(CompiledMask.compile(MaskRegistry.load().create(spec, ctx), ctx.shape(), 4, 4));
    }

    private static BlockSparsity maskOf(String spec, int batch, int heads, int length) {
        MaskContext ctx = MaskContext.builder(batch, heads, length, length).build();
        return BlockSparsity.of(CompiledMask.compile(MaskRegistry.load().create(spec, ctx), ctx.shape(), 16, 16));
    }
}
