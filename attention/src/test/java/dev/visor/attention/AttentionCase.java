package dev.visor.attention;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.VectorSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;

/** One random attention call for the properties: shapes, block sizes, mask, configuration and data. */
record AttentionCase(int batch, int heads, int kvHeads, int lq, int lk, int dk, int dv, int bq, int bk,
                     ElementMask mask, BlockSparsity compiled, float scale, float dropout, long seed, int chunks,
                     boolean vector) {

    /** A case whose block layout is found by classifying {@code mask} element by element. */
    AttentionCase(int batch, int heads, int kvHeads, int lq, int lk, int dk, int dv, int bq, int bk,
                  TestMasks.Mask mask, float scale, float dropout, long seed, int chunks, boolean vector) {
        this(batch, heads, kvHeads, lq, lk, dk, dv, bq, bk, mask, null, scale, dropout, seed, chunks, vector);
    }

    /** The same call with another mask, block layout and (optionally) without dropout. */
    AttentionCase with(int newLq, int newLk, TestMasks.Mask newMask, float newDropout) {
        return new AttentionCase(batch, heads, kvHeads, newLq, newLk, dk, dv, bq, bk, newMask, null, scale, newDropout,
                seed, chunks, vector);
    }

    /** Random calls with lengths up to {@code maxLen}, including lengths not divisible by the block sizes. */
    static Arbitrary<AttentionCase> arbitrary(int maxLen, boolean withDropout) {
        return Arbitraries.integers().between(1, 2).flatMap(batch ->
                Arbitraries.integers().between(1, 3).flatMap(kvHeads ->
                        Arbitraries.integers().between(1, 2).flatMap(group ->
                                Arbitraries.integers().between(0, maxLen).flatMap(lq ->
                                        Arbitraries.integers().between(0, maxLen).flatMap(lk ->
                                                shapesAndMask(batch, kvHeads * group, kvHeads, lq, lk, withDropout))))));
    }

    private static Arbitrary<AttentionCase> shapesAndMask(int batch, int heads, int kvHeads, int lq, int lk,
                                                           boolean withDropout) {
        return Builders.withBuilder(() -> new Object[16])
                .use(Arbitraries.integers().between(1, 20)).in((a, x) -> set(a, 0, x))
                .use(Arbitraries.integers().between(1, 20)).in((a, x) -> set(a, 1, x))
                .use(Arbitraries.integers().between(1, 20)).in((a, x) -> set(a, 2, x))
                .use(Arbitraries.integers().between(1, 20)).in((a, x) -> set(a, 3, x))
                .use(TestMasks.any(batch, lq, lk)).in((a, x) -> set(a, 4, x))
                .use(Arbitraries.floats().between(0.05f, 1.5f)).in((a, x) -> set(a, 5, x))
                .use(withDropout ? Arbitraries.of(0f, 0f, 0.2f, 0.5f) : Arbitraries.just(0f)).in((a, x) -> set(a, 6, x))
                .use(Arbitraries.longs()).in((a, x) -> set(a, 7, x))
                .use(Arbitraries.integers().between(1, 3)).in((a, x) -> set(a, 8, x))
                .use(Arbitraries.of(true, false)).in((a, x) -> set(a, 9, x))
                .build(a -> new AttentionCase(batch, heads, kvHeads, lq, lk, (Integer) a[0], (Integer) a[1],
                        (Integer) a[2], (Integer) a[3], (TestMasks.Mask) a[4], (Float) a[5], (Float) a[6], (Long) a[7],
                        (Integer) a[8], (Boolean) a[9] && VectorSupport.available()));
    }

    private static Object[] set(Object[] a, int i, Object x) {
        a[i] = x;
        return a;
    }

    AttentionConfig config() {
        return new AttentionConfig(scale, dropout, seed);
    }

    TileOps ops() {
        return vector ? VectorTileOps.create() : ScalarTileOps.INSTANCE;
    }

    BlockSparsity sparsity() {
        if (compiled != null) {
            return compiled;
        }
        boolean byBatch = !(mask instanceof TestMasks.Mask m) || m.byBatch();
        boolean byHead = !(mask instanceof TestMasks.Mask m2) || m2.byHead();
        return BlockSparsity.classify(mask, batch, heads, lq, lk, bq, bk, byBatch, byHead);
    }

    /** Fresh random q, k, v and output gradient for this case. */
    Data data() {
        Rng rng = new Rng(seed);
        return new Data(Fixtures.randomView(rng, batch, heads, lq, dk), Fixtures.randomView(rng, batch, kvHeads, lk, dk),
                Fixtures.randomView(rng, batch, kvHeads, lk, dv), Fixtures.randomView(rng, batch, heads, lq, dv));
    }

    record Data(HeadsView q, HeadsView k, HeadsView v, HeadsView dOut) {}

    /** Runs the flash forward and backward. */
    Flash flash(Data d) {
        HeadsView out = HeadsView.zeros(batch, heads, lq, dv);
        BlockSparsity sp = sparsity();
        float[] lse = FlashAttention.forward(d.q(), d.k(), d.v(), out, sp, config(), ops(), chunks);
        HeadsView dq = HeadsView.zeros(batch, heads, lq, dk);
        HeadsView dkv = HeadsView.zeros(batch, kvHeads, lk, dk);
        HeadsView dvv = HeadsView.zeros(batch, kvHeads, lk, dv);
        FlashAttention.backward(d.q(), d.k(), d.v(), out, lse, d.dOut(), dq, dkv, dvv, sp, config(), ops(), chunks);
        return new Flash(out.toArray(), lse, dq.toArray(), dkv.toArray(), dvv.toArray());
    }

    record Flash(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {}
}
