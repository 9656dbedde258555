package dev.visor.mask.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import dev.visor.mask.TestMasks;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Each built-in's defining property, checked on every element of small random contexts. */
class BuiltinClosedFormProperties {

    @Provide
    Arbitrary<MaskContext> contexts() {
        return TestMasks.contexts();
    }

    @Provide
    Arbitrary<Function<MaskContext, Mask>> leaves() {
        return TestMasks.leaves();
    }

    /** Counts the keys query {@code q} attends. */
    private static int row(Mask m, MaskShape s, int b, int h, int q) {
        int n = 0;
        for (int k = 0; k < s.keyLength(); k++) if (m.attends(b, h, q, k)) n++;
        return n;
    }

    @Property
    void builtinsClassifyExactly(@ForAll("contexts") MaskContext ctx, @ForAll("leaves") Function<MaskContext, Mask> f,
            @ForAll @IntRange(max = 1000) int a, @ForAll @IntRange(max = 1000) int b2,
            @ForAll @IntRange(max = 1000) int c, @ForAll @IntRange(max = 1000) int d) {
        Mask m = f.apply(ctx);
        MaskShape s = ctx.shape();
        int q0 = s.queryOffset() + a % s.queryLength();
        int q1 = q0 + 1 + b2 % (s.queryEnd() - q0);
        int k0 = c % s.keyLength();
        int k1 = k0 + 1 + d % (s.keyLength() - k0);
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                BlockClass exact = TestMasks.enumerate(m, b, h, q0, q1, k0, k1);
                BlockClass claimed = m.classify(b, h, q0, q1, k0, k1);
                if (m instanceof DocumentMask && !sortedSegments(ctx, b)) {
                    assertTrue(TestMasks.sound(claimed, exact), m + " " + claimed + " vs " + exact);
                } else {
                    assertEquals(exact, claimed, () -> m.spec() + " on [" + q0 + "," + q1 + ")×[" + k0 + "," + k1 + ")");
                }
            }
        }
    }

    private static boolean sortedSegments(MaskContext ctx, int b) {
        int[] q = ctx.querySegmentIds()[b];
        int[] k = ctx.keySegmentIds()[b];
        for (int i = 1; i < q.length; i++) if (q[i] < q[i - 1]) return false;
        for (int i = 1; i < k.length; i++) if (k[i] < k[i - 1]) return false;
        return true;
    }

    @Property
    void causalNeverLetsAKeyPastTheQuery(@ForAll("contexts") MaskContext ctx) {
        MaskShape s = ctx.shape();
        for (int i = 0; i < s.queryLength(); i++) {
            int q = s.queryOffset() + i;
            for (int k = 0; k < s.keyLength(); k++) assertEquals(k <= q, CausalMask.INSTANCE.attends(0, 0, q, k));
            assertEquals(Math.min(q + 1, s.keyLength()), row(CausalMask.INSTANCE, s, 0, 0, q));
        }
    }

    @Property
    void slidingWindowSeesAtMostLeftPlusRightPlusOneKeys(@ForAll("contexts") MaskContext ctx,
            @ForAll @IntRange(max = 30) int left, @ForAll @IntRange(max = 30) int right) {
        MaskShape s = ctx.shape();
        Mask m = new SlidingWindowMask(left, right);
        Mask causalOnly = new SlidingWindowMask(left, 0);
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
            int expected = Math.max(0, Math.min(s.keyLength() - 1, q + right) - Math.max(0, q - left) + 1);
            assertEquals(expected, row(m, s, 0, 0, q));
            assertTrue(row(m, s, 0, 0, q) <= left + right + 1);
            assertTrue(row(causalOnly, s, 0, 0, q) <= left + 1);
            for (int k = 0; k < s.keyLength(); k++) {
                if (causalOnly.attends(0, 0, q, k)) assertTrue(k <= q && k >= q - left);
            }
        }
    }

    @Property
    void paddingNeverLetsAKeyAtOrPastTheValidLength(@ForAll("contexts") MaskContext ctx) {
        MaskShape s = ctx.shape();
        Mask keys = new PaddingMask(ctx.keyValidLengths());
        Mask queries = new PaddingMask(PaddingMask.Side.QUERIES, new int[ctx.batch()], ctx.queryValidLengths());
        for (int b = 0; b < s.batch(); b++) {
            int kv = ctx.keyValidLength(b);
            int qv = ctx.queryValidLength(b);
            for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
                assertEquals(kv, row(keys, s, b, 0, q));
                for (int k = kv; k < s.keyLength(); k++) assertTrue(!keys.attends(b, 0, q, k));
                assertEquals(q < qv ? s.keyLength() : 0, row(queries, s, b, 0, q));
            }
        }
    }

    @Property
    void prefixLmIsBidirectionalOverThePrefixAndCausalAfter(@ForAll("contexts") MaskContext ctx,
            @ForAll @IntRange(max = 30) int prefix) {
        MaskShape s = ctx.shape();
        Mask m = new PrefixLmMask(prefix);
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
            for (int k = 0; k < Math.min(prefix, s.keyLength()); k++) assertTrue(m.attends(0, 0, q, k));
            int expected = q < prefix ? Math.min(prefix, s.keyLength()) : Math.min(q + 1, s.keyLength());
            assertEquals(expected, row(m, s, 0, 0, q));
        }
    }

    @Property
    void documentAttendsExactlyTheKeysOfTheQuerysSegment(@ForAll("contexts") MaskContext ctx) {
        MaskShape s = ctx.shape();
        Mask m = new DocumentMask(s.queryOffset(), ctx.querySegmentIds(), ctx.keySegmentIds());
        for (int b = 0; b < s.batch(); b++) {
            for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
                int same = 0;
                for (int k = 0; k < s.keyLength(); k++) {
                    boolean sameSegment = ctx.querySegment(b, q) == ctx.keySegment(b, k);
                    assertEquals(sameSegment, m.attends(b, 1 % s.heads(), q, k));
                    if (sameSegment) same++;
                }
                assertEquals(same, row(m, s, b, 0, q));
            }
        }
    }

    @Property
    void chunkedSeesAtMostOneChunk(@ForAll("contexts") MaskContext ctx, @ForAll @IntRange(min = 1, max = 9) int size) {
        MaskShape s = ctx.shape();
        Mask m = new ChunkedMask(size);
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
            assertTrue(row(m, s, 0, 0, q) <= size);
            for (int k = 0; k < s.keyLength(); k++) assertEquals(q / size == k / size, m.attends(0, 0, q, k));
        }
    }

    @Property
    void dilatedSeesEveryDilationthKeyWithinLeft(@ForAll("contexts") MaskContext ctx,
            @ForAll @IntRange(max = 20) int left, @ForAll @IntRange(min = 1, max = 5) int dilation) {
        MaskShape s = ctx.shape();
        Mask m = new DilatedMask(left, dilation);
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
            assertTrue(row(m, s, 0, 0, q) <= left / dilation + 1);
            for (int k = 0; k < s.keyLength(); k++) {
                int dq = q - k;
                assertEquals(dq >= 0 && dq <= left && dq % dilation == 0, m.attends(0, 0, q, k));
            }
        }
    }

    @Property
    void globalPositionsAttendAndAreAttendedByAll(@ForAll("contexts") MaskContext ctx,
            @ForAll @IntRange(max = 30) int p1, @ForAll @IntRange(max = 30) int p2) {
        MaskShape s = ctx.shape();
        Mask m = new GlobalMask(p1, p2, p1);
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
            for (int k = 0; k < s.keyLength(); k++) {
                boolean global = q == p1 || q == p2 || k == p1 || k == p2;
                assertEquals(global, m.attends(0, 0, q, k));
            }
        }
        assertEquals(new GlobalMask(p2, p1), m);
    }

    @Property
    void tokenSelectsKeysByIdWhateverTheQuery(@ForAll("contexts") MaskContext ctx,
            @ForAll @IntRange(max = 6) int id1, @ForAll @IntRange(max = 6) int id2) {
        MaskShape s = ctx.shape();
        Mask m = new TokenMask(new int[] {id1, id2}, ctx.tokenIds());
        for (int b = 0; b < s.batch(); b++) {
            for (int k = 0; k < s.keyLength(); k++) {
                boolean selected = ctx.tokenId(b, k) == id1 || ctx.tokenId(b, k) == id2;
                for (int q = s.queryOffset(); q < s.queryEnd(); q++) assertEquals(selected, m.attends(b, 0, q, k));
            }
        }
    }

    @Property
    void randomIsBlockGranularDeterministicAndHeadIndependentUnlessAsked(@ForAll("contexts") MaskContext ctx,
            @ForAll int seed, @ForAll @IntRange(min = 1, max = 6) int block) {
        MaskShape s = ctx.shape();
        RandomMask m = new RandomMask(0.5, seed, block, false);
        RandomMask again = new RandomMask(0.5, seed, block, false);
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
            for (int k = 0; k < s.keyLength(); k++) {
                boolean a = m.attends(0, 0, q, k);
                assertEquals(a, again.attends(s.batch() - 1, s.heads() - 1, q, k));
                assertEquals(a, m.attends(0, 0, q / block * block, k / block * block));
            }
        }
        assertEquals(BlockClass.EMPTY, new RandomMask(0, seed, block, true).classify(0, 0, 0, 9, 0, 9));
        assertEquals(BlockClass.FULL, new RandomMask(1, seed, block, true).classify(0, 1, 0, 9, 0, 9));
    }

    @Property(tries = 20)
    void randomKeepsAboutDensityOfTheCells(@ForAll int seed, @ForAll("densities") double density) {
        RandomMask m = new RandomMask(density, seed, 1, false);
        int kept = 0;
        for (int q = 0; q < 100; q++) for (int k = 0; k < 100; k++) if (m.attends(0, 0, q, k)) kept++;
        // 10 000 independent cells: the standard deviation of the kept fraction is at most 0.005
        assertEquals(density, kept / 10_000.0, 0.03);
    }

    @Provide
    Arbitrary<Double> densities() {
        return net.jqwik.api.Arbitraries.of(0.0, 0.05, 0.3, 0.5, 0.9, 1.0);
    }

    @Property
    void fullAttendsEverything(@ForAll("contexts") MaskContext ctx) {
        MaskShape s = ctx.shape();
        for (int q = s.queryOffset(); q < s.queryEnd(); q++) assertEquals(s.keyLength(), row(FullMask.INSTANCE, s, 0, 0, q));
        assertEquals(BlockClass.FULL, FullMask.INSTANCE.classify(0, 0, s.queryOffset(), s.queryEnd(), 0, s.keyLength()));
    }
}
