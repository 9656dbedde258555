package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The decoding kernel against the reference attention, and the KV cache's in-place reorder. */
class DecodeAttentionTest {

    @Test
    void matchesTheReferenceOverTheCacheUnderPartialMasks() {
        Rng rng = new Rng(41);
        int batch = 2;
        int heads = 4;
        int kvHeads = 2;
        int hd = 8;
        KvCache cache = new KvCache(batch, kvHeads, hd);
        cache.append(Tensor.randn(rng, batch, kvHeads, 37, hd), Tensor.randn(rng, batch, kvHeads, 37, hd));   // grows past 16
        for (int n = 1; n <= 3; n++) {
            cache.append(Tensor.randn(rng, batch, kvHeads, n, hd), Tensor.randn(rng, batch, kvHeads, n, hd));
            int lk = cache.length();
            int offset = lk - n;
            Tensor q = Tensor.randn(rng, batch, heads, n, hd);
            // row 1 has 5 valid keys only; sliding_window makes PARTIAL blocks
            MaskContext ctx = MaskContext.builder(batch, heads, n, lk).queryOffset(offset).validLengths(lk, 5).build();
            CompiledMask cm = CompiledMask.compile(
                    MaskRegistry.load().create("causal & padding & sliding_window(left=20)", ctx), ctx.shape(), 16, 16);
            BlockSparsity mask = BlockSparsity.of(cm);
            AttentionConfig cfg = AttentionConfig.defaults(hd);
            float[] merged = DecodeAttention.forward(HeadsView.of(q), cache, mask, cfg.scale());   // (batch, n, heads·hd)
            float[] ref = Attention.reference(q, cache.keys(), cache.values(), ElementMask.of(cm.mask(), offset), cfg)
                    .output().transpose(1, 2).toArray();                                         // (batch, n, heads, hd)
            Fixtures.assertClose("n=" + n, ref, merged, 1e-5, 1e-5);
        }
    }

    @Test
    void queriesWithStridedFeaturesGiveTheBitsOfTheirContiguousCopy() {
        Rng rng = new Rng(43);
        int hd = 8;
        KvCache cache = new KvCache(1, 2, hd);
        cache.append(Tensor.randn(rng, 1, 2, 20, hd), Tensor.randn(rng, 1, 2, 20, hd));
        int n = 3;
        Tensor strided = Tensor.randn(rng, 1, 4, hd, n).transpose(2, 3);        // (1, 4, n, hd), feature stride n
        Tensor contiguous = Tensor.wrap(strided.toArray(), 1, 4, n, hd);
        assertTrue(HeadsView.of(strided).dimStride() != 1 && HeadsView.of(contiguous).dimStride() == 1);
        MaskContext ctx = MaskContext.builder(1, 4, n, 20).queryOffset(20 - n).build();
        BlockSparsity mask = BlockSparsity.of(CompiledMask.compile(MaskRegistry.load().create("causal", ctx), ctx.shape(), 16, 16));
        float[] a = DecodeAttention.forward(HeadsView.of(strided), cache, mask, 0.35f);
        float[] b = DecodeAttention.forward(HeadsView.of(contiguous), cache, mask, 0.35f);
        assertArrayEquals(b, a);
    }

    @Test
    void aRowThatAttendsNothingGivesZero() {
        Rng rng = new Rng(42);
        KvCache cache = new KvCache(1, 1, 4);
        cache.append(Tensor.randn(rng, 1, 1, 3, 4), Tensor.randn(rng, 1, 1, 3, 4));
        BlockSparsity none = BlockSparsity.classify((b, h, i, j) -> false, 1, 2, 1, 3, 4, 4, false, false);
        float[] out = DecodeAttention.forward(HeadsView.of(Tensor.randn(rng, 1, 2, 1, 4)), cache, none, 0.5f);
        assertArrayEquals(new float[8], out);
    }

    @Test
    void reorderKeepsDuplicatesAndDropsRowsInPlace() {
        Rng rng = new Rng(43);
        KvCache cache = new KvCache(4, 2, 3);
        Tensor k = Tensor.randn(rng, 4, 2, 5, 3);
        Tensor v = Tensor.randn(rng, 4, 2, 5, 3);
        cache.append(k, v);
        float[] storage = cache.keyData();
        int[] rows = {2, 2, 0, 1};                 // a cycle and a duplicate: rows 1 and 3 move, row 3 is dropped
        cache.reorder(rows);
        assertSame(storage, cache.keyData(), "reordered in place");
        assertGathered(k, rows, cache.keys());
        assertGathered(v, rows, cache.values());
        Tensor k2 = gather(k, rows);
        int[] shrink = {3, 0};
        cache.reorder(shrink);
        assertEquals(2, cache.batch());
        assertGathered(k2, shrink, cache.keys());
        int[] grow = {1, 1, 0, 1, 0, 0};          // more rows than allocated: the storage grows once
        Tensor k3 = gather(k2, shrink);
        cache.reorder(grow);
        assertEquals(6, cache.batch());
        assertGathered(k3, grow, cache.keys());
        // the cache keeps working after a reorder: appends land after the kept positions
        cache.append(Tensor.randn(rng, 6, 2, 1, 3), Tensor.randn(rng, 6, 2, 1, 3));
        assertEquals(6, cache.length());
        assertArrayEquals(gather(k3, grow).toArray(), cache.keys().narrow(2, 0, 5).toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> cache.reorder(new int[] {0, 6}));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("outside the 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cache.reorder(new int[0]));
    }

    @Test
    void identityReorderTouchesNothing() {
        KvCache cache = new KvCache(3, 1, 2);
        cache.append(Tensor.randn(new Rng(44), 3, 1, 2, 2), Tensor.randn(new Rng(45), 3, 1, 2, 2));
        float[] before = cache.keys().toArray();
        float[] storage = cache.keyData();
        cache.reorder(new int[] {0, 1, 2});
        assertSame(storage, cache.keyData());
        assertArrayEquals(before, cache.keys().toArray());
    }

    private static Tensor gather(Tensor x, int[] rows) {
        float[] src = x.toArray();
        int per = src.length / x.size(0);
        float[] dst = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src, rows[i] * per, dst, i * per, per);
        }
        int[] shape = x.shape();
        shape[0] = rows.length;
        return Tensor.wrap(dst, shape);
    }

    private static void assertGathered(Tensor original, int[] rows, Tensor actual) {
        assertArrayEquals(gather(original, rows).toArray(), actual.toArray());
    }
}
