package dev.visor.attention;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.kernel.VectorSupport;
import java.util.Arrays;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random attention calls whose mask is a spec string of the mask module's built-ins (and their
 * compositions), created from a random context and compiled by the mask module with random block
 * sizes: what the kernels meet in a model.
 */
final class BuiltinMaskCases {
    static final MaskRegistry REGISTRY = MaskRegistry.load();

    private BuiltinMaskCases() {}

    /** One leaf spec; lengths bound the positional arguments. */
    static Arbitrary<String> leaf(int lq, int lk) {
        int len = Math.max(lq, lk) + 8;
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 12);
        Arbitrary<Integer> pos = Arbitraries.integers().between(0, len);
        return Arbitraries.oneOf(
                Arbitraries.of("full", "causal", "padding", "query_padding", "document"),
                Combinators.combine(small, Arbitraries.integers().between(0, 4))
                        .as((l, r) -> "sliding_window(left=" + l + ", right=" + r + ")"),
                pos.map(p -> "prefix_lm(prefix=" + p + ")"),
                Arbitraries.integers().between(1, 10).map(s -> "chunked(size=" + s + ")"),
                Combinators.combine(small, Arbitraries.integers().between(1, 4))
                        .as((l, d) -> "dilated(left=" + l + ", dilation=" + d + ")"),
                Combinators.combine(pos, pos).as((a, b) -> "global(positions=[" + a + ", " + b + "])"),
                Combinators.combine(Arbitraries.of(0.0, 0.3, 0.7, 1.0), Arbitraries.integers().between(0, 99),
                                Arbitraries.integers().between(1, 9), Arbitraries.of(true, false))
                        .as((d, s, b, h) -> String.format(Locale.ROOT, "random(density=%s, seed=%d, block=%d, per_head=%b)",
                                d, s, b, h)),
                Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5))
                        .as((a, b) -> "token(ids=[" + a + ", " + b + "])"));
    }

    /** A leaf or a composition with {@code &}, {@code |}, {@code !} up to two levels deep. */
    static Arbitrary<String> spec(int lq, int lk) {
        Arbitrary<String> leaf = leaf(lq, lk);
        Arbitrary<String> one = Arbitraries.oneOf(leaf,
                Combinators.combine(leaf, leaf).as((a, b) -> a + " & " + b),
                Combinators.combine(leaf, leaf).as((a, b) -> "(" + a + " | " + b + ")"),
                leaf.map(a -> "!" + a));
        return Arbitraries.frequencyOf(Tuple.of(3, one),
                Tuple.of(1, Combinators.combine(one, one).as((a, b) -> "(" + a + ") & !(" + b + ")")),
                Tuple.of(1, Combinators.combine(one, leaf).as((a, b) -> "(" + a + ") | " + b)));
    }

    /** An element mask that prints as its spec and context. */
    record Labelled(String label, ElementMask fn) implements ElementMask {
        @Override
        public boolean attends(int b, int h, int q, int k) {
            return fn.attends(b, h, q, k);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static Arbitrary<AttentionCase> cases(int maxLen, boolean withDropout) {
        return Arbitraries.integers().between(1, 2).flatMap(batch ->
                Arbitraries.integers().between(1, 2).flatMap(kvHeads ->
                        Arbitraries.integers().between(1, 2).flatMap(group ->
                                Arbitraries.integers().between(1, maxLen).flatMap(lq ->
                                        Arbitraries.integers().between(1, maxLen).flatMap(lk ->
                                                Arbitraries.integers().between(0, 8).flatMap(offset ->
                                                        build(batch, kvHeads * group, kvHeads, lq, lk, offset, withDropout)))))));
    }

    private static Arbitrary<AttentionCase> build(int batch, int heads, int kvHeads, int lq, int lk, int offset,
                                                  boolean withDropout) {
        Arbitrary<int[]> qValid = Arbitraries.integers().between(0, offset + lq).array(int[].class).ofSize(batch);
        Arbitrary<int[]> kValid = Arbitraries.integers().between(0, lk).array(int[].class).ofSize(batch);
        Arbitrary<int[][]> tokens = Arbitraries.integers().between(0, 5).array(int[].class).ofSize(lk)
                .array(int[][].class).ofSize(batch);
        Arbitrary<int[][]> qSeg = Arbitraries.integers().between(0, 2).array(int[].class).ofSize(lq)
                .map(BuiltinMaskCases::sorted).array(int[][].class).ofSize(batch);
        Arbitrary<int[][]> kSeg = Arbitraries.integers().between(0, 2).array(int[].class).ofSize(lk)
                .map(BuiltinMaskCases::sorted).array(int[][].class).ofSize(batch);
        Arbitrary<int[]> sizes = Arbitraries.integers().between(1, 20).array(int[].class).ofSize(4);
        Arbitrary<Object[]> misc = Combinators.combine(Arbitraries.floats().between(0.05f, 1.5f),
                withDropout ? Arbitraries.of(0f, 0f, 0.25f) : Arbitraries.just(0f), Arbitraries.longs(),
                Arbitraries.integers().between(1, 3), Arbitraries.of(true, false))
                .as((s, p, seed, chunks, vec) -> new Object[] {s, p, seed, chunks, vec});
        return Combinators.combine(spec(lq, lk), qValid, kValid, tokens, qSeg, kSeg, sizes, misc)
                .as((spec, qv, kv, tok, qs, ks, sz, m) -> {
                    MaskContext ctx = MaskContext.builder(batch, heads, lq, lk).queryOffset(offset)
                            .queryValidLengths(qv).keyValidLengths(kv).tokenIds(tok).segmentIds(qs, ks).build();
                    Mask mask = REGISTRY.create(spec, ctx);
                    CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), sz[2], sz[3]);
                    String label = mask.spec() + " at offset " + offset + ", query valid " + Arrays.toString(qv)
                            + ", key valid " + Arrays.toString(kv) + ", blocks " + sz[2] + "×" + sz[3];
                    return new AttentionCase(batch, heads, kvHeads, lq, lk, sz[0], sz[1], sz[2], sz[3],
                            new Labelled(label, ElementMask.of(mask, offset)), BlockSparsity.of(cm), (Float) m[0],
                            (Float) m[1], (Long) m[2], (Integer) m[3], (Boolean) m[4] && VectorSupport.available());
                });
    }

    /** {@code raw}'s call with lengths {@code lq × lk}, no dropout, under a built-in spec created from {@code ctx}. */
    static AttentionCase withBuiltin(AttentionCase raw, String spec, MaskContext ctx) {
        Mask mask = REGISTRY.create(spec, ctx);
        CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), raw.bq(), raw.bk());
        return new AttentionCase(raw.batch(), raw.heads(), raw.kvHeads(), ctx.queryLength(), ctx.keyLength(), raw.dk(),
                raw.dv(), raw.bq(), raw.bk(), new Labelled(mask.spec() + " " + ctx, ElementMask.of(mask, ctx.queryOffset())),
                BlockSparsity.of(cm), raw.scale(), 0f, raw.seed(), raw.chunks(), raw.vector());
    }

    private static int[] sorted(int[] x) {
        int[] y = x.clone();
        Arrays.sort(y);
        return y;
    }
}
