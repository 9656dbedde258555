package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Composites combine their children exactly as the Kleene tables say, with no enumeration. */
class CompositeMaskProperties {

    @Provide
    Arbitrary<TestMasks.Case> cases() {
        return TestMasks.cases(TestMasks.trees());
    }

    @Provide
    Arbitrary<Function<MaskContext, Mask>> others() {
        return TestMasks.trees();
    }

    @Property
    void compositeClassesAreTheKleeneCombinationOfTheChildren(@ForAll("cases") TestMasks.Case c,
            @ForAll("others") Function<MaskContext, Mask> other, @ForAll @IntRange(max = 99) int q,
            @ForAll @IntRange(max = 99) int k, @ForAll @IntRange(min = 1, max = 9) int size) {
        Mask a = c.mask();
        Mask b = other.apply(c.context());
        MaskShape s = c.context().shape();
        int q0 = s.queryOffset() + q % s.queryLength();
        int q1 = Math.min(s.queryEnd(), q0 + size);
        int k0 = k % s.keyLength();
        int k1 = Math.min(s.keyLength(), k0 + size);
        for (int batch = 0; batch < s.batch(); batch++) {
            for (int head = 0; head < s.heads(); head++) {
                BlockClass ca = a.classify(batch, head, q0, q1, k0, k1);
                BlockClass cb = b.classify(batch, head, q0, q1, k0, k1);
                assertEquals(ca.and(cb), a.and(b).classify(batch, head, q0, q1, k0, k1));
                assertEquals(ca.or(cb), a.or(b).classify(batch, head, q0, q1, k0, k1));
                assertEquals(ca.not(), a.not().classify(batch, head, q0, q1, k0, k1));
                for (int qq = q0; qq < q1; qq++) {
                    for (int kk = k0; kk < k1; kk++) {
                        boolean x = a.attends(batch, head, qq, kk);
                        boolean y = b.attends(batch, head, qq, kk);
                        assertEquals(x && y, a.and(b).attends(batch, head, qq, kk));
                        assertEquals(x || y, a.or(b).attends(batch, head, qq, kk));
                        assertEquals(!x, a.not().attends(batch, head, qq, kk));
                    }
                }
            }
        }
        assertEquals(a.dependsOnBatch() || b.dependsOnBatch(), a.and(b).dependsOnBatch());
        assertEquals(a.dependsOnHead() || b.dependsOnHead(), a.or(b).dependsOnHead());
        assertEquals(a.dependsOnHead(), a.not().dependsOnHead());
    }

    @Property
    void compositeSpecsParseBackToEqualTrees(@ForAll("cases") TestMasks.Case c) {
        Mask m = c.mask();
        assertEquals(m, dev.visor.mask.builtin.Builtins.registry().create(m.spec(), c.context()));
        if (m instanceof ChainMask || m instanceof NotMask) assertEquals(m.spec(), m.toString());
    }
}
