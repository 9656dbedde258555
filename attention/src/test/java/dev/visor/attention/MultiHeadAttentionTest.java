package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiHeadAttentionTest {

    @Test
    void tokenByTokenDecodingEqualsTheFullSequence() {
        Rng rng = new Rng(31);
        MultiHeadAttention mha = MultiHeadAttention.builder(16, 4).kvHeads(2).build(rng);
        Tensor x = Tensor.randn(rng, 2, 13, 16);
        for (String spec : List.of("causal", "causal & sliding_window(left=3)", "causal & !token(ids=[2])")) {
            int[][] tokens = new int[2][13];
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 13; t++) {
                    tokens[b][t] = (t * 5 + b) % 4;
                }
            }
            MaskInputs in = MaskInputs.none().withTokenIds(tokens);
            float[] full = mha.forward(x, x, x, spec, in).toArray();                       // (2, 13, 16)
            KvCache cache = mha.newCache(2);
            float[] stepwise = new float[full.length];
            int[] chunks = {1, 1, 4, 1, 6};   // single tokens and a few prefill chunks
            int t = 0;
            for (int n : chunks) {
                Tensor xt = x.narrow(1, t, n);
                int[][] seen = new int[2][];
                for (int b = 0; b < 2; b++) {
                    seen[b] = java.util.Arrays.copyOf(tokens[b], t + n);
                }
                float[] y = mha.forward(xt, cache, spec, MaskInputs.none().withTokenIds(seen)).toArray();   // (2, n, 16)
                for (int b = 0; b < 2; b++) {
                    System.arraycopy(y, b * n * 16, stepwise, (b * 13 + t) * 16, n * 16);
                }
                t += n;
                assertEquals(t, cache.length());
            }
            Fixtures.assertClose(spec, full, stepwise, 1e-5, 1e-5);
        }
    }

    @Test
    void groupedHeadsLayoutAndGradients() {
        Rng rng = new Rng(32);
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 4).kvHeads(2).build(rng);
        assertArrayEquals(new int[] {8 + 2 * 2 * 2, 8}, mha.stateDict().get("in_proj_weight").shape());
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(mha.stateDict().keySet()));
        Tensor x = Tensor.randn(rng, 2, 5, 8).requiresGrad(true);
        GradCheck.check(xs -> mha.forward(xs[0], xs[0], xs[0], "causal & padding",
                MaskInputs.none().withValidLengths(5, 3)), x).assertWithin(2e-2, 2e-3);
    }

    @Test
    void crossAttentionWithDocumentsAndPadding() {
        Rng rng = new Rng(33);
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, rng);
        Tensor q = Tensor.randn(rng, 1, 4, 8);
        Tensor memory = Tensor.randn(rng, 1, 6, 8);
        MaskInputs in = MaskInputs.none().withSegmentIds(new int[][] {{0, 0, 1, 1}}, new int[][] {{0, 0, 0, 1, 1, 1}})
                .withKeyValidLengths(5);
        Tensor y = mha.forward(q, memory, memory, "document & padding", in);
        // changing memory position 5 (padding) or a key of the other document must not change a query's output
        Tensor changed = memory.contiguous().copy();
        float[] m = changed.storage();
        for (int c = 0; c < 8; c++) {
            m[5 * 8 + c] += 3f;   // padding
            m[0 * 8 + c] -= 2f;   // document 0: only queries 0, 1 see it
        }
        Tensor y2 = mha.forward(q, changed, changed, "document & padding", in);
        float[] a = y.toArray();
        float[] b = y2.toArray();
        for (int i = 2; i < 4; i++) {
            for (int c = 0; c < 8; c++) {
                assertEquals(a[i * 8 + c], b[i * 8 + c], "query " + i + " of document 1");
            }
        }
        assertFalse(a[0] == b[0], "document 0 queries do see key 0");
    }

    @Test
    void memoryProjectedOnceEqualsCrossAttentionAndCarriesGradients() {
        Rng rng = new Rng(38);
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 4).kvHeads(2).build(rng);
        Tensor q = Tensor.randn(rng, 2, 3, 8).requiresGrad(true);
        Tensor memory = Tensor.randn(rng, 2, 7, 8).requiresGrad(true);
        MaskInputs in = MaskInputs.none().withKeyValidLengths(7, 4);
        Tensor direct = mha.forward(q, memory, memory, "padding", in);
        MultiHeadAttention.KeysValues kv = mha.projectKeysValues(memory, memory);
        Tensor viaMemory = mha.forward(q, kv, "padding", in);
        assertArrayEquals(direct.toArray(), viaMemory.toArray(), 1e-6f);
        Tensor seed = Tensor.randn(rng, 2, 3, 8);
        direct.backward(seed);
        float[] gMemory = memory.grad().toArray();
        memory.zeroGrad();
        viaMemory.backward(seed);
        assertArrayEquals(gMemory, memory.grad().toArray(), 1e-6f);
    }

    @Test
    void projectedMemoryHonoursTheQueryOffsetOfACompiledMask() {
        Rng rng = new Rng(39);
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 4).kvHeads(2).build(rng);
        Tensor q = Tensor.randn(rng, 2, 2, 8);
        Tensor memory = Tensor.randn(rng, 2, 7, 8);
        // queries at absolute positions 3 and 4 under causal: they see keys 0..3 and 0..4
        MaskContext ctx = MaskContext.builder(2, 4, 2, 7).queryOffset(3).build();
        CompiledMask cm = CompiledMask.compile(MaskRegistry.load().create("causal", ctx), ctx.shape(), 4, 4);
        Tensor direct = mha.forward(q, memory, memory, cm);
        Tensor viaMemory = mha.forward(q, mha.projectKeysValues(memory, memory), cm);
        assertArrayEquals(direct.toArray(), viaMemory.toArray(), 1e-6f);
        MaskContext at0 = MaskContext.builder(2, 4, 2, 7).build();
        CompiledMask cm0 = CompiledMask.compile(MaskRegistry.load().create("causal", at0), at0.shape(), 4, 4);
        assertFalse(java.util.Arrays.equals(direct.toArray(), mha.forward(q, mha.projectKeysValues(memory, memory), cm0).toArray()),
                "the offset changes what the queries see");
        MaskContext wrong = MaskContext.builder(2, 4, 2, 6).build();
        CompiledMask bad = CompiledMask.compile(MaskRegistry.load().create("full", wrong), wrong.shape(), 4, 4);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> mha.forward(q, mha.projectKeysValues(memory, memory), bad));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("Lk 7"), e.getMessage());
    }

    @Test
    void compiledMasksAreAcceptedAndMatchTheSpecPath() {
        Rng rng = new Rng(34);
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, rng);
        Tensor x = Tensor.randn(rng, 1, 9, 8);
        MaskContext ctx = MaskContext.builder(1, 2, 9, 9).build();
        CompiledMask cm = CompiledMask.compile(MaskRegistry.load().create("causal", ctx), ctx.shape(), 4, 4);
        assertArrayEquals(mha.forward(x, x, x, "causal", MaskInputs.none()).toArray(), mha.forward(x, x, x, cm).toArray(),
                1e-6f);
    }

    @Test
    void dropoutOnlyInTrainingMode() {
        Rng rng = new Rng(35);
        MultiHeadAttention mha = MultiHeadAttention.builder(8, 2).dropout(0.5).build(rng);
        Tensor x = Tensor.randn(rng, 1, 6, 8);
        float[] a = mha.forward(x, x, x).toArray();
        float[] b = mha.forward(x, x, x).toArray();
        assertFalse(java.util.Arrays.equals(a, b), "each training call draws a new dropout mask");
        mha.eval();
        assertArrayEquals(mha.forward(x, x, x).toArray(), mha.forward(x, x, x).toArray());
        MultiHeadAttention plain = new MultiHeadAttention(8, 2, new Rng(35));
        plain.loadStateDict(mha.stateDict(), true);
        assertArrayEquals(plain.forward(x, x, x).toArray(), mha.forward(x, x, x).toArray());
    }

    @Test
    void badInputsAreNamed() {
        Rng rng = new Rng(36);
        MultiHeadAttention mha = new MultiHeadAttention(16, 4, rng);
        Tensor x = Tensor.randn(rng, 2, 3, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> mha.forward(x, x, x));
        assertEquals("query has 8 features but the layer expects 16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 4, rng));
        assertEquals("embedDim (10) must be a positive multiple of heads (4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(16, 4).kvHeads(3).build(rng));
        assertEquals("heads (4) must be a multiple of kvHeads (3)", e.getMessage());
        Tensor ok = Tensor.randn(rng, 2, 3, 16);
        e = assertThrows(IllegalArgumentException.class, () -> mha.forward(ok, ok, ok, "padding", MaskInputs.none()));
        assertTrue(e.getMessage().contains("padding"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mha.forward(ok, ok, ok, "casual", MaskInputs.none()));
        assertTrue(e.getMessage().contains("did you mean 'causal'"), e.getMessage());
        KvCache wrong = new KvCache(1, 4, 4);
        e = assertThrows(IllegalArgumentException.class, () -> mha.forward(ok, wrong, "causal", MaskInputs.none()));
        assertEquals("cache is (1, 4, ·, 4) but this layer needs (2, 4, ·, 4)", e.getMessage());
    }

    @Test
    void weightsOfEveryHeadAreExposed() {
        Rng rng = new Rng(37);
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, rng);
        Tensor x = Tensor.randn(rng, 1, 5, 8);
        MultiHeadAttention.Weighted w = mha.forwardWithWeights(x, x, x, "causal", MaskInputs.none());
        assertArrayEquals(new int[] {1, 2, 5, 5}, w.weights().shape());
        assertEquals(0f, w.weights().get(0, 1, 1, 3));
        Fixtures.assertClose("output", mha.forward(x, x, x, "causal", MaskInputs.none()).toArray(), w.output().toArray(),
                1e-5, 1e-5);
    }

    @Test
    void cacheGrowsAndTruncates() {
        KvCache cache = new KvCache(1, 1, 2);
        for (int i = 0; i < 40; i++) {
            cache.append(Tensor.full(i, 1, 1, 1, 2), Tensor.full(-i, 1, 1, 1, 2));
        }
        assertEquals(40, cache.length());
        assertEquals(39f, cache.keys().get(0, 0, 39, 1));
        assertEquals(-17f, cache.values().get(0, 0, 17, 0));
        cache.truncate(10);
        assertArrayEquals(new int[] {1, 1, 10, 2}, cache.keys().shape());
        var e = assertThrows(IllegalArgumentException.class, () -> cache.truncate(11));
        assertEquals("cannot truncate a cache of length 10 to 11", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cache.append(Tensor.zeros(1, 2, 1, 2), Tensor.zeros(1, 2, 1, 2)));
        assertEquals("cached keys must be (1, 1, n, 2) but got (1, 2, 1, 2)", e.getMessage());
    }

    @Test
    void torchMaskConvertersFlipPolarityAtTheBoundary() {
        assertArrayEquals(new int[] {3, 0, 2},
                TorchMasks.validLengths(new boolean[][] {{false, false, false}, {true, true, true}, {false, false, true}}));
        var e = assertThrows(IllegalArgumentException.class,
                () -> TorchMasks.validLengths(new boolean[][] {{false, true, false}}));
        assertEquals("key_padding_mask row 0 pads position 1 but not position 2; only right padding converts to valid lengths",
                e.getMessage());
        boolean[][] triu = {{false, true, true}, {false, false, true}, {false, false, false}};
        assertEquals("causal", TorchMasks.spec(triu));
        assertEquals("full", TorchMasks.spec(new boolean[3][3]));
        float inf = Float.NEGATIVE_INFINITY;
        assertEquals("causal", TorchMasks.spec(new float[][] {{0, inf}, {0, 0}}));
        e = assertThrows(IllegalArgumentException.class, () -> TorchMasks.spec(new float[][] {{0, -1e9f}, {0, 0}}));
        assertEquals("attn_mask[0][1] = -1.0E9 is an additive bias, not a mask: only 0 (attend) and -inf (blocked) convert",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchMasks.spec(new boolean[][] {{true, false}, {false, false}}));
    }
}
