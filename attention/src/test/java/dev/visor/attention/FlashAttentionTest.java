package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.builtin.Builtins;
import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.VectorSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlashAttentionTest {

    static List<TileOps> allOps() {
        List<TileOps> ops = new ArrayList<>();
        ops.add(ScalarTileOps.INSTANCE);
        if (VectorSupport.available()) {
            ops.add(VectorTileOps.create());
        }
        return ops;
    }

    /** Compares flash (every tile implementation, several chunkings) with the reference, values and gradients. */
    static void check(Rng rng, int batch, int heads, int kvHeads, int lq, int lk, int dk, int dv, int bq, int bkSize,
                      ElementMask em, AttentionConfig cfg) {
        HeadsView q = Fixtures.randomView(rng, batch, heads, lq, dk);
        HeadsView k = Fixtures.randomView(rng, batch, kvHeads, lk, dk);
        HeadsView v = Fixtures.randomView(rng, batch, kvHeads, lk, dv);
        HeadsView dOut = Fixtures.randomView(rng, batch, heads, lq, dv);
        BlockSparsity mask = BlockSparsity.classify(em, batch, heads, lq, lk, bq, bkSize, true, true);
        ReferenceAttention.Result ref = ReferenceAttention.forward(q, k, v, em, cfg);
        ReferenceAttention.Gradients refG = ReferenceAttention.backward(q, k, v, em, cfg, dOut);
        for (TileOps ops : allOps()) {
            for (int chunks = 1; chunks <= 3; chunks++) {
                String tag = ops.getClass().getSimpleName() + " chunks=" + chunks;
                HeadsView out = HeadsView.zeros(batch, heads, lq, dv);
                float[] lse = FlashAttention.forward(q, k, v, out, mask, cfg, ops, chunks);
                Fixtures.assertClose("output " + tag, ref.output(), out.toArray(), 2e-5, 1e-4);
                Fixtures.assertClose("lse " + tag, ref.logSumExp(), lse, 2e-5, 1e-5);
                HeadsView dq = HeadsView.zeros(batch, heads, lq, dk);
                HeadsView dkv = HeadsView.zeros(batch, kvHeads, lk, dk);
                HeadsView dvv = HeadsView.zeros(batch, kvHeads, lk, dv);
                FlashAttention.backward(q, k, v, out, lse, dOut, dq, dkv, dvv, mask, cfg, ops, chunks);
                Fixtures.assertClose("dq " + tag, refG.dq(), dq.toArray(), 1e-4, 1e-3);
                Fixtures.assertClose("dk " + tag, refG.dk(), dkv.toArray(), 1e-4, 1e-3);
                Fixtures.assertClose("dv " + tag, refG.dv(), dvv.toArray(), 1e-4, 1e-3);
            }
        }
    }

    @Test
    void denseMatchesReference() {
        check(new Rng(1), 2, 3, 3, 37, 29, 16, 16, 8, 8, (b, h, i, j) -> true, AttentionConfig.defaults(16));
    }

    @Test
    void causalWithBlocksThatDoNotDivideTheLengths() {
        check(new Rng(2), 1, 2, 2, 45, 45, 8, 8, 7, 5, (b, h, i, j) -> j <= i, AttentionConfig.defaults(8));
    }

    @Test
    void groupedHeadsValueDimAndFullyMaskedRows() {
        ElementMask em = (b, h, i, j) -> i % 5 != 3 && (j + h + b) % 3 != 0;
        check(new Rng(3), 2, 4, 2, 20, 33, 12, 7, 4, 16, em, AttentionConfig.defaults(12).withScale(0.5f));
    }

    @Test
    void shortSequencesInOneDefaultBlockWithPaddingFullyMaskedRowsAndDropout() {
        // the demo's shapes: every key in one 64-wide block, so the score tile is only as wide as the
        // keys padded to whole vectors; odd lengths, per-batch key padding, a causal decoder mask, a
        // query row with no allowed key, and attention dropout
        int[] keyLengths = {1, 3, 5, 9, 10, 13};
        for (int lk : keyLengths) {
            int lq = lk == 1 ? 2 : lk - 1;
            int[] valid = {lk, Math.max(1, lk / 2), 1};
            ElementMask padded = (b, h, i, j) -> j < valid[b] && !(b == 1 && i == lq - 1);
            ElementMask causal = (b, h, i, j) -> j <= i && j < valid[b];
            for (ElementMask em : List.of(padded, causal)) {
                check(new Rng(40 + lk), 3, 4, 4, lq, lk, 16, 16, FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK,
                        em, AttentionConfig.defaults(16).withDropout(0.1f, 1234L + lk));
                check(new Rng(50 + lk), 3, 2, 1, lq, lk, 5, 7, FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK,
                        em, AttentionConfig.defaults(5));
            }
        }
    }

    @Test
    void scoreTilesAreAsWideAsTheKeysWhenTheyFitOneBlock() {
        for (TileOps ops : allOps()) {
            for (int lk : new int[] {1, 3, 10, 63, 64, 65, 200}) {
                BlockSparsity mask = BlockSparsity.dense(2, 2, 7, lk, 64, 64);
                assertEquals(ops.pad(Math.min(64, lk)), FlashWorker.tileWidth(mask, ops), "keys " + lk + " on " + ops);
            }
            assertEquals(ops.pad(16), FlashWorker.tileWidth(BlockSparsity.dense(1, 1, 40, 40, 16, 16), ops));
        }
    }

    @Test
    void predicateEvaluatedOnTheFlyWhenTilesAreNotCached() {
        long saved = PartialTiles.maxElements;
        PartialTiles.maxElements = 0;
        try {
            ElementMask em = (b, h, i, j) -> (i * 7 + j * 3 + h) % 4 != 0 && j <= i + 2;
            check(new Rng(9), 2, 2, 1, 23, 26, 8, 8, 8, 5, em, AttentionConfig.defaults(8));
        } finally {
            PartialTiles.maxElements = saved;
        }
    }

    @Test
    void dropoutMatchesReferenceInBothPasses() {
        check(new Rng(4), 1, 2, 1, 24, 18, 8, 8, 8, 8, (b, h, i, j) -> j <= i + 3,
                AttentionConfig.defaults(8).withDropout(0.3f, 99L));
    }

    @Test
    void emptyRowsGiveZeroOutputMinusInfinityLseAndZeroGradients() {
        Rng rng = new Rng(5);
        int lq = 9, lk = 11, d = 4;
        ElementMask em = (b, h, i, j) -> i < 4;   // rows 4.. attend nothing
        HeadsView q = Fixtures.randomView(rng, 1, 1, lq, d);
        HeadsView k = Fixtures.randomView(rng, 1, 1, lk, d);
        HeadsView v = Fixtures.randomView(rng, 1, 1, lk, d);
        BlockSparsity mask = BlockSparsity.classify(em, 1, 1, lq, lk, 4, 4, false, false);
        HeadsView out = HeadsView.zeros(1, 1, lq, d);
        float[] lse = FlashAttention.forward(q, k, v, out, mask, AttentionConfig.defaults(d));
        HeadsView dq = HeadsView.zeros(1, 1, lq, d);
        FlashAttention.backward(q, k, v, out, lse, Fixtures.randomView(rng, 1, 1, lq, d), dq, HeadsView.zeros(1, 1, lk, d),
                HeadsView.zeros(1, 1, lk, d), mask, AttentionConfig.defaults(d));
        for (int i = 4; i < lq; i++) {
            assertEquals(Float.NEGATIVE_INFINITY, lse[i]);
            for (int c = 0; c < d; c++) {
                assertEquals(0f, out.get(0, 0, i, c));
                assertEquals(0f, dq.get(0, 0, i, c));
            }
        }
        assertTrue(Float.isFinite(lse[0]));
    }

    @Test
    void readsAndWritesStridedViews() {
        Rng rng = new Rng(6);
        int b = 2, h = 3, l = 19, d = 8;
        HeadsView q = Fixtures.randomSeqMajorView(rng, b, h, l, d);
        HeadsView k = Fixtures.randomSeqMajorView(rng, b, h, l, d);
        HeadsView v = Fixtures.randomSeqMajorView(rng, b, h, l, d);
        HeadsView out = new HeadsView(new float[b * l * h * d], 0, b, h, l, d, l * h * d, d, h * d, 1);
        ElementMask causal = (bb, hh, i, j) -> j <= i;
        FlashAttention.forward(q, k, v, out, BlockSparsity.classify(causal, b, h, l, l, 8, 8, false, false),
                AttentionConfig.defaults(d));
        ReferenceAttention.Result ref = ReferenceAttention.forward(q, k, v, causal, AttentionConfig.defaults(d));
        Fixtures.assertClose("strided output", ref.output(), out.toArray(), 2e-5, 1e-4);
    }

    @Test
    void forwardIsBitIdenticalWhateverTheChunking() {
        Rng rng = new Rng(7);
        HeadsView q = Fixtures.randomView(rng, 2, 2, 50, 16);
        HeadsView k = Fixtures.randomView(rng, 2, 2, 50, 16);
        HeadsView v = Fixtures.randomView(rng, 2, 2, 50, 16);
        BlockSparsity mask = BlockSparsity.classify((b, h, i, j) -> j <= i, 2, 2, 50, 50, 16, 16, false, false);
        HeadsView o1 = HeadsView.zeros(2, 2, 50, 16);
        HeadsView o4 = HeadsView.zeros(2, 2, 50, 16);
        TileOps ops = TileOps.best();
        float[] l1 = FlashAttention.forward(q, k, v, o1, mask, AttentionConfig.defaults(16), ops, 1);
        float[] l4 = FlashAttention.forward(q, k, v, o4, mask, AttentionConfig.defaults(16), ops, 4);
        assertArrayEquals(o1.toArray(), o4.toArray());
        assertArrayEquals(l1, l4);
    }

    /** The first calls run interpreted, later ones compiled: the bits must not change. */
    @Test
    void resultsDoNotDependOnJitTiming() {
        Rng rng = new Rng(10);
        HeadsView q = Fixtures.randomView(rng, 1, 2, 70, 16);
        HeadsView k = Fixtures.randomView(rng, 1, 2, 70, 16);
        HeadsView v = Fixtures.randomView(rng, 1, 2, 70, 16);
        BlockSparsity mask = BlockSparsity.classify((b, h, i, j) -> j <= i + 5, 1, 2, 70, 70, 16, 16, false, false);
        for (TileOps ops : allOps()) {
            float[] first = null;
            for (int call = 0; call < 100; call++) {
                HeadsView out = HeadsView.zeros(1, 2, 70, 16);
                FlashAttention.forward(q, k, v, out, mask, AttentionConfig.defaults(16), ops, 1);
                float[] now = out.toArray();
                if (first == null) {
                    first = now;
                } else {
                    assertArrayEquals(first, now, "call " + call + " of " + ops);
                }
            }
        }
    }

    /**
     * PARTIAL blocks in strips ({@link FlashForward#strips}) give the whole tile's bits, for masks
     * whose partial blocks leave out columns on the right (causal), on the left (anti-causal, the
     * window's far edge), whole row groups (empty rows) or nothing (a scattered predicate), with tiles
     * cached and evaluated on the fly, with dropout, at every tile implementation; and they match the
     * reference.
     */
    @Test
    void partialBlocksInStripsGiveTheWholeTileBits() {
        ElementMask[] masks = {
            (b, h, i, j) -> j <= i,
            (b, h, i, j) -> j >= i,
            (b, h, i, j) -> j <= i && j >= i - 21,
            (b, h, i, j) -> i % 16 >= 9 ? j <= 3 : j <= i + h,
            (b, h, i, j) -> (i * 7 + j * 3) % 5 != 0,
        };
        int[][] shapes = {{16, 16, 60, 60, 16}, {13, 20, 45, 57, 8}, {64, 64, 150, 150, 64}};
        try {
            overMasksCachedAndNot(masks, shapes, (em, sh, what) -> {
                for (AttentionConfig cfg : new AttentionConfig[] {AttentionConfig.defaults(sh[4]),
                        AttentionConfig.defaults(sh[4]).withDropout(0.25f, 7L)}) {
                    stripsMatchWholeTiles(em, sh[0], sh[1], sh[2], sh[3], sh[4], cfg, what);
                }
            });
        } finally {
            FlashForward.strips = true;
        }
    }

    /** One case of a mask and a shape {@code (bq, bk, lq, lk, d)}, {@code what} naming the tile cache. */
    private interface MaskCase {
        void check(ElementMask em, int[] shape, String what);
    }

    /** Runs {@code c} for every mask and shape, with PARTIAL predicate tiles cached, then evaluated on the fly. */
    private static void overMasksCachedAndNot(ElementMask[] masks, int[][] shapes, MaskCase c) {
        long saved = PartialTiles.maxElements;
        try {
            for (int cache = 0; cache < 2; cache++) {
                PartialTiles.maxElements = cache == 0 ? saved : 0;
                for (ElementMask em : masks) {
                    for (int[] sh : shapes) {
                        c.check(em, sh, "cache " + cache);
                    }
                }
            }
        } finally {
            PartialTiles.maxElements = saved;
        }
    }

    private static void stripsMatchWholeTiles(ElementMask em, int bq, int bk, int lq, int lk, int d, AttentionConfig cfg,
                                              String what) {
        Rng rng = new Rng(lq * 31L + bq);
        HeadsView q = Fixtures.randomView(rng, 1, 2, lq, d);
        HeadsView k = Fixtures.randomView(rng, 1, 2, lk, d);
        HeadsView v = Fixtures.randomView(rng, 1, 2, lk, d);
        BlockSparsity mask = BlockSparsity.classify(em, 1, 2, lq, lk, bq, bk, false, true);
        ReferenceAttention.Result ref = ReferenceAttention.forward(q, k, v, em, cfg);
        for (TileOps ops : allOps()) {
            String tag = what + ", " + ops.getClass().getSimpleName() + ", blocks " + bq + "x" + bk + ", dropout "
                    + cfg.hasDropout();
            HeadsView striped = HeadsView.zeros(1, 2, lq, d);
            HeadsView whole = HeadsView.zeros(1, 2, lq, d);
            FlashForward.strips = true;
            float[] lseStriped = FlashAttention.forward(q, k, v, striped, mask, cfg, ops, 1);
            FlashForward.strips = false;
            float[] lseWhole = FlashAttention.forward(q, k, v, whole, mask, cfg, ops, 1);
            FlashForward.strips = true;
            assertArrayEquals(whole.toArray(), striped.toArray(), "output " + tag);
            assertArrayEquals(lseWhole, lseStriped, "lse " + tag);
            Fixtures.assertClose("output " + tag, ref.output(), striped.toArray(), 2e-5, 1e-4);
        }
    }

    /**
     * Neighbouring query blocks run the FULL key blocks they both visit first as one pass of twice
     * the rows ({@link FlashForward#pairs}), then each the rest of its list, and give the bits of one
     * pass per block: for {@code full}, block documents (some pairs alike, some not), a padding-like
     * mask, causal (the blocks left of the diagonal shared, the diagonal's strips apart), a sliding
     * window (nothing shared from the start) and a scattered predicate (no FULL block), with a short
     * last query block, one chunk and several (a pair never crosses a chunk), cached and uncached
     * predicate tiles, at every tile implementation; and they match the reference.
     */
    @Test
    void pairedQueryBlocksGiveTheBitsOfOneBlockAtATime() {
        ElementMask[] masks = {
            (b, h, i, j) -> true,
            (b, h, i, j) -> i / 32 == j / 32,
            (b, h, i, j) -> j < 40 + 3 * h,
            (b, h, i, j) -> j <= i,
            (b, h, i, j) -> j <= i && j >= i - 21,
            (b, h, i, j) -> (i * 7 + j * 3) % 5 != 0,
        };
        int[][] shapes = {{16, 16, 64, 64, 16}, {16, 16, 72, 50, 8}, {64, 64, 256, 200, 64}, {12, 20, 60, 45, 8}};
        long before = FlashForward.pairedPasses.get();
        try {
            overMasksCachedAndNot(masks, shapes, (em, sh, what) -> {
                for (int chunks : new int[] {1, 3}) {
                    pairsMatchSingleBlocks(em, sh[0], sh[1], sh[2], sh[3], sh[4], chunks, what);
                }
            });
        } finally {
            FlashForward.pairs = true;
        }
        assertTrue(FlashForward.pairedPasses.get() > before, "no query blocks were paired");
    }

    private static void pairsMatchSingleBlocks(ElementMask em, int bq, int bk, int lq, int lk, int d, int chunks,
                                               String what) {
        Rng rng = new Rng(lq * 17L + bq + chunks);
        HeadsView q = Fixtures.randomView(rng, 1, 2, lq, d);
        HeadsView k = Fixtures.randomView(rng, 1, 2, lk, d);
        HeadsView v = Fixtures.randomView(rng, 1, 2, lk, d);
        BlockSparsity mask = BlockSparsity.classify(em, 1, 2, lq, lk, bq, bk, false, true);
        AttentionConfig cfg = AttentionConfig.defaults(d);
        ReferenceAttention.Result ref = ReferenceAttention.forward(q, k, v, em, cfg);
        // and with score modifiers fused (row by row, so any tile height), checked for bits alone
        ScoreModifier chain = Builtins.scoreRegistry().create(
                "softcap(cap=5) >> alibi >> relative_bias(buckets=8, max_distance=4)", new ScoreContext(2));
        float[] theta = new float[chain.parameterCount()];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) rng.nextGaussian() * 0.1f;
        }
        for (ScoreModification mods : new ScoreModification[] {null, new ScoreModification(chain, theta, 3)}) {
            for (TileOps ops : allOps()) {
                String tag = what + ", " + ops.getClass().getSimpleName() + ", blocks " + bq + "x" + bk + ", "
                        + lq + "x" + lk + ", chunks " + chunks + ", modifiers " + (mods != null);
                HeadsView paired = HeadsView.zeros(1, 2, lq, d);
                HeadsView single = HeadsView.zeros(1, 2, lq, d);
                FlashForward.pairs = true;
                float[] lsePaired = FlashAttention.forward(q, k, v, paired, mask, cfg, mods, ops, chunks);
                FlashForward.pairs = false;
                float[] lseSingle = FlashAttention.forward(q, k, v, single, mask, cfg, mods, ops, chunks);
                FlashForward.pairs = true;
                assertArrayEquals(single.toArray(), paired.toArray(), "output " + tag);
                assertArrayEquals(lseSingle, lsePaired, "lse " + tag);
                if (mods == null) {
                    Fixtures.assertClose("output " + tag, ref.output(), paired.toArray(), 2e-5, 1e-4);
                }
            }
        }
    }

    /** The causal diagonal's strips: max(4, lanes) rows each, as wide as their last row reaches. */
    @Test
    void stripPlanOfACausalDiagonalTile() {
        for (int lanes : new int[] {1, 4, 8, 16}) {
            int rows = 64;
            boolean[] allowed = new boolean[rows * 64];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c <= r; c++) {
                    allowed[r * 64 + c] = true;
                }
            }
            int[] ext = FlashWorker.rowExtents(allowed, rows, 64, new int[2 * rows]);
            int[] plan = new int[64];
            int n = FlashWorker.stripPlan(ext, rows, lanes, 64, plan);
            int step = Math.max(FlashWorker.STRIP_ROWS, lanes);
            assertEquals(64 / step, n, "strips at " + lanes + " lanes");
            for (int i = 0; i < n; i++) {
                int[] want = {i * step, (i + 1) * step, 0, (i + 1) * step};
                assertArrayEquals(want, java.util.Arrays.copyOfRange(plan, 4 * i, 4 * i + 4), "strip " + i + " at " + lanes);
            }
        }
    }

    /** A tile every row group of which needs every column is not split; rows with nothing allowed are left out. */
    @Test
    void stripPlanKeepsWholeTilesAndSkipsEmptyRows() {
        int[] plan = new int[64];
        int[] wide = new int[2 * 10];
        for (int r = 0; r < 10; r++) {
            wide[2 * r] = r % 4 == 0 ? 0 : 9;
            wide[2 * r + 1] = r % 4 == 1 ? 32 : 20;
        }
        assertEquals(-1, FlashWorker.stripPlan(wide, 10, 8, 32, plan));
        int[] gaps = {0, 0, 0, 0, 0, 0, 0, 0, 17, 18, 0, 0, 0, 0, 0, 0, 3, 5};   // rows 0-3 and 5-7 empty
        assertEquals(2, FlashWorker.stripPlan(gaps, 9, 8, 32, plan));
        assertArrayEquals(new int[] {4, 8, 16, 24, 8, 9, 0, 8}, java.util.Arrays.copyOf(plan, 8));
        boolean[] none = new boolean[3 * 8];
        none[8 + 5] = true;
        assertArrayEquals(new int[] {0, 0, 5, 6, 0, 0}, FlashWorker.rowExtents(none, 3, 8, new int[6]));
    }

    @Test
    void rejectsMismatchedShapes() {
        Rng rng = new Rng(8);
        HeadsView q = Fixtures.randomView(rng, 1, 4, 8, 16);
        HeadsView k = Fixtures.randomView(rng, 1, 3, 8, 16);
        HeadsView out = HeadsView.zeros(1, 4, 8, 16);
        var e = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.forward(q, k, k, out, null, AttentionConfig.defaults(16)));
        assertEquals("query heads (4) must be a positive multiple of key/value heads (3)", e.getMessage());
        HeadsView k2 = Fixtures.randomView(rng, 1, 4, 8, 8);
        e = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.forward(q, k2, k2, out, null, AttentionConfig.defaults(16)));
        assertEquals("query has head dim 16 but key has 8", e.getMessage());
        BlockSparsity wrong = BlockSparsity.dense(1, 4, 9, 8, 4, 4);
        HeadsView k3 = Fixtures.randomView(rng, 1, 4, 8, 16);
        e = assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.forward(q, k3, k3, out, wrong, AttentionConfig.defaults(16)));
        assertEquals("mask was compiled for (batch, heads, Lq, Lk) = (1, 4, 9, 8) but the call has (1, 4, 8, 8)",
                e.getMessage());
    }
}
