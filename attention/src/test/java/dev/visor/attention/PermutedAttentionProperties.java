package dev.visor.attention;

import dev.visor.mask.Mask;
import dev.visor.mask.MaskShape;
import dev.visor.mask.PositionOrder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The reordered layout equals the reference kernel in values and gradients for random masks
 * (padding, documents, per-head patterns, compositions), random orders (residues and shuffles),
 * grouped heads and query offsets, at lengths up to 28. Tries follow {@code -Djqwik.tries.default}.
 */
class PermutedAttentionProperties {
    /** A random element mask of the call, as a mask module mask at absolute positions, declaring {@code order}. */
    record Case(int batch, int heads, int kvHeads, int lq, int lk, int offset, int block, TestMasks.Mask element,
                PositionOrder order, long seed) {
        Mask mask() {
            return new Mask() {
                @Override
                public boolean attends(int b, int h, int q, int k) {
                    return element.attends(b, h, q - offset, k);
                }

                @Override
                public PositionOrder kernelOrder() {
                    return order;
                }

                @Override
                public boolean dependsOnBatch() {
                    return element.byBatch();
                }

                @Override
                public boolean dependsOnHead() {
                    return element.byHead();
                }

                @Override
                public String spec() {
                    return element.toString();
                }
            };
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> heads = Arbitraries.of(new int[] {1, 1}, new int[] {2, 1}, new int[] {2, 2}, new int[] {4, 2});
        Arbitrary<PositionOrder> orders = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 9).map(PositionOrder::byResidue),
                Arbitraries.longs().map(PermutedMasks.Shuffle::new));
        return Combinators.combine(Arbitraries.integers().between(1, 2), heads, Arbitraries.integers().between(1, 28),
                        Arbitraries.integers().between(1, 28), Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(1, 16))
                .flatAs((b, h, lq, lk, offset, block) -> Combinators.combine(TestMasks.any(b, lq, lk), orders,
                        Arbitraries.longs())
                        .as((m, order, seed) -> new Case(b, h[0], h[1], lq, lk, offset, block, m, order, seed)));
    }

    @Property
    void reorderedEqualsReference(@ForAll("cases") Case c) {
        PermutedAttentionTest.checkAgainstReference(c.mask(), new MaskShape(c.batch(), c.heads(), c.lq(), c.lk(), c.offset()),
                c.kvHeads(), c.block(), c.seed());
    }
}
