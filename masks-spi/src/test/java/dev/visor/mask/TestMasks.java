package dev.visor.mask;

import dev.visor.mask.builtin.CausalMask;
import dev.visor.mask.builtin.ChunkedMask;
import dev.visor.mask.builtin.DilatedMask;
import dev.visor.mask.builtin.DocumentMask;
import dev.visor.mask.builtin.FullMask;
import dev.visor.mask.builtin.GlobalMask;
import dev.visor.mask.builtin.PaddingMask;
import dev.visor.mask.builtin.PrefixLmMask;
import dev.visor.mask.builtin.RandomMask;
import dev.visor.mask.builtin.SlidingWindowMask;
import dev.visor.mask.builtin.TokenMask;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Small random contexts, built-in masks and blocks for masks-spi's own tests, and a brute-force oracle. */
@SuppressWarnings("exports") // test code: jqwik types in signatures of a class patched into the module
public final class TestMasks {
    private TestMasks() {}

    /** A mask with the context it was made for. */
    public record Case(MaskContext context, Mask mask) {
        @Override
        public String toString() {
            return mask.spec() + " over " + context;
        }
    }

    /** Random contexts of at most 3 sequences, 2 heads, 20 queries and 24 keys, every optional field present. */
    public static Arbitrary<MaskContext> contexts() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(1, 20), Arbitraries.integers().between(1, 24),
                Arbitraries.integers().between(0, 12), Arbitraries.longs(), Arbitraries.of(true, false))
                .as(TestMasks::context);
    }

    /** A random context from a seed (self-attention shaped when {@code self} and it fits). */
    public static MaskContext context(int batch, int heads, int lq, int lk, int offset, long seed, boolean self) {
        SplittableRandom r = new SplittableRandom(seed);
        MaskContext.Builder b = MaskContext.builder(batch, heads, lq, lk).queryOffset(offset);
        int[] qv = new int[batch];
        int[] kv = new int[batch];
        int[][] tokens = new int[batch][lk];
        int[][] qs = new int[batch][lq];
        int[][] ks = new int[batch][lk];
        boolean sorted = r.nextInt(4) != 0;
        for (int s = 0; s < batch; s++) {
            qv[s] = r.nextInt(4) == 0 ? offset + lq : r.nextInt(offset + lq + 1);
            kv[s] = r.nextInt(4) == 0 ? lk : r.nextInt(lk + 1);
            for (int k = 0; k < lk; k++) tokens[s][k] = r.nextInt(6);
            segments(r, ks[s], sorted);
            segments(r, qs[s], sorted);
        }
        b.tokenIds(tokens);
        if (self && offset + lq <= lk) {
            b.validLengths(kv).segmentIds(ks);
        } else {
            b.queryValidLengths(qv).keyValidLengths(kv).segmentIds(qs, ks);
        }
        return b.build();
    }

    private static void segments(SplittableRandom r, int[] out, boolean sorted) {
        int id = r.nextInt(3);
        for (int i = 0; i < out.length; i++) {
            if (sorted) {
                if (r.nextInt(4) == 0) id += 1 + r.nextInt(2);
                out[i] = id;
            } else {
                out[i] = r.nextInt(4);
            }
        }
    }

    /** Every built-in leaf, parameterised from the arbitrary's own randomness. */
    public static Arbitrary<Function<MaskContext, Mask>> leaves() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 12);
        return Arbitraries.oneOf(List.of(
                Arbitraries.just(c -> FullMask.INSTANCE),
                Arbitraries.just(c -> CausalMask.INSTANCE),
                Arbitraries.just(c -> new PaddingMask(c.keyValidLengths())),
                Arbitraries.just(c -> new PaddingMask(PaddingMask.Side.QUERIES, new int[c.batch()], c.queryValidLengths())),
                Combinators.combine(small, small).as((l, r) -> c -> new SlidingWindowMask(l, r)),
                small.map(p -> c -> new PrefixLmMask(p)),
                Arbitraries.just(c -> new DocumentMask(c.queryOffset(), c.querySegmentIds(), c.keySegmentIds())),
                small.map(s -> c -> new ChunkedMask(s + 1)),
                Combinators.combine(small, Arbitraries.integers().between(1, 4))
                        .as((l, d) -> c -> new DilatedMask(l, d)),
                Arbitraries.integers().between(0, 30).list().ofMaxSize(4)
                        .map(p -> c -> new GlobalMask(p.stream().mapToInt(i -> i).toArray())),
                Combinators.combine(Arbitraries.of(0.0, 0.3, 0.5, 1.0), Arbitraries.integers(),
                        Arbitraries.integers().between(1, 5), Arbitraries.of(true, false))
                        .as((d, s, blk, h) -> c -> new RandomMask(d, s, blk, h)),
                Arbitraries.integers().between(0, 6).list().ofMaxSize(3)
                        .map(ids -> c -> new TokenMask(ids.stream().mapToInt(i -> i).toArray(), c.tokenIds()))));
    }

    /** Built-in leaves and their compositions up to depth 2. */
    public static Arbitrary<Function<MaskContext, Mask>> trees() {
        return Arbitraries.recursive(TestMasks::leaves, t -> Arbitraries.oneOf(
                t.map(f -> c -> f.apply(c).not()),
                Combinators.combine(t, leaves()).as((f, g) -> c -> f.apply(c).and(g.apply(c))),
                Combinators.combine(leaves(), t).as((f, g) -> c -> f.apply(c).or(g.apply(c)))), 0, 2);
    }

    /** A context with a mask tree made for it. */
    public static Arbitrary<Case> cases(Arbitrary<Function<MaskContext, Mask>> masks) {
        return Combinators.combine(contexts(), masks).as((c, f) -> new Case(c, f.apply(c)));
    }

    /** The exact class by enumeration. */
    public static BlockClass enumerate(Mask m, int b, int h, int q0, int q1, int k0, int k1) {
        boolean any = false;
        boolean all = true;
        for (int q = q0; q < q1; q++) {
            for (int k = k0; k < k1; k++) {
                boolean a = m.attends(b, h, q, k);
                any |= a;
                all &= a;
            }
        }
        return BlockClass.of(any, all);
    }

    /** Whether {@code claimed} is a sound answer for a block whose exact class is {@code exact}. */
    public static boolean sound(BlockClass claimed, BlockClass exact) {
        return claimed == BlockClass.PARTIAL || claimed == exact;
    }
}
