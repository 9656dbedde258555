package dev.visor.attention;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskVerification;
import dev.visor.mask.PositionOrder;

/**
 * A compiled mask re-laid out in the order its mask declares ({@link Mask#kernelOrder()}): kernel row
 * {@code i} is the call's query row {@code queryRows[i]}, kernel column {@code j} is key
 * {@code keyColumns[j]}, and {@link #kernel()} holds the block classes of the reordered matrix, whose
 * predicate asks the original mask at the original positions (so PARTIAL blocks stay exact).
 *
 * <p>The reordered blocks are classified by enumerating their elements ({@code O(slices·Lq·Lk)}
 * predicate calls, stopping early in mixed blocks): a block of reordered positions is not a range of
 * original ones, so the mask's closed-form {@code classify} cannot answer for it, and enumeration
 * trusts nothing but {@code attends}. This is done once per compiled mask and kept with it, and only
 * when the natural layout is mostly PARTIAL ({@link #choose}).
 */
final class PermutedLayout {
    /** Cost of a PARTIAL block relative to a FULL one in the cost model (the predicate tile is applied too). */
    static final double PARTIAL_COST = 1.25;
    /** The reordered layout is used only when its blocks cost at most this share of the natural ones. */
    static final double WORTH = 0.75;

    private final PositionOrder order;
    private final int[] queryRows;
    private final int[] keyColumns;
    private final CompiledSparsity kernel;

    private PermutedLayout(PositionOrder order, int[] queryRows, int[] keyColumns, CompiledSparsity kernel) {
        this.order = order;
        this.queryRows = queryRows;
        this.keyColumns = keyColumns;
        this.kernel = kernel;
    }

    /**
     * The reordered layout of {@code natural} when its mask declares an order, the natural layout is
     * at least half PARTIAL (otherwise no order can gain much) and the reordered blocks are cheaper by
     * the cost model; otherwise {@code null}.
     */
    static PermutedLayout choose(CompiledSparsity natural) {
        CompiledMask cm = natural.compiled();
        if (cm.mask().kernelOrder().isNatural() || cm.queryBlocks() < 2 || cm.keyBlocks() < 2) {
            return null;
        }
        long full = cm.count(BlockClass.FULL);
        long partial = cm.count(BlockClass.PARTIAL);
        if (partial < full) {
            return null;
        }
        PermutedLayout p = build(natural);
        CompiledMask k = p.kernel.compiled();
        return cost(k) <= WORTH * cost(cm) ? p : null;
    }

    private static double cost(CompiledMask cm) {
        return cm.count(BlockClass.FULL) + PARTIAL_COST * cm.count(BlockClass.PARTIAL);
    }

    /** The reordered layout of {@code natural} in its mask's declared order, whatever it costs. */
    static PermutedLayout build(CompiledSparsity natural) {
        CompiledMask cm = natural.compiled();
        Mask mask = cm.mask();
        PositionOrder order = mask.kernelOrder();
        MaskShape shape = cm.shape();
        int offset = shape.queryOffset();
        int[] queryRows = checked(order, order.arrange(offset, shape.queryLength()), offset, shape.queryLength());
        for (int i = 0; i < queryRows.length; i++) {
            queryRows[i] -= offset;
        }
        int[] keyColumns = checked(order, order.arrange(0, shape.keyLength()), 0, shape.keyLength());
        Reordered reordered = new Reordered(mask, offset, queryRows, keyColumns);
        CompiledMask kernel = CompiledMask.compile(reordered, shape, cm.blockQ(), cm.blockK(), MaskVerification.OFF);
        return new PermutedLayout(order, queryRows, keyColumns, CompiledSparsity.detached(kernel));
    }

    /** {@code positions} if it is a permutation of {@code [first, first + count)}, else a clear error. */
    static int[] checked(PositionOrder order, int[] positions, int first, int count) {
        if (positions == null || positions.length != count) {
            throw new IllegalStateException("kernel order " + order + " arranged [" + first + ", " + (first + count)
                    + ") into " + (positions == null ? "null" : positions.length + " positions") + " but must return "
                    + count);
        }
        boolean[] seen = new boolean[count];
        for (int i = 0; i < count; i++) {
            int p = positions[i] - first;
            if (p < 0 || p >= count || seen[p]) {
                throw new IllegalStateException("kernel order " + order + " is not a permutation of [" + first + ", "
                        + (first + count) + "): position " + positions[i] + " at index " + i
                        + (p >= 0 && p < count ? " repeats" : " is outside the range"));
            }
            seen[p] = true;
        }
        return positions;
    }

    /** The order the layout follows. */
    PositionOrder order() {
        return order;
    }

    /** Kernel row → the call's query row. */
    int[] queryRows() {
        return queryRows;
    }

    /** Kernel column → key. */
    int[] keyColumns() {
        return keyColumns;
    }

    /** The block classes and predicate in kernel coordinates. */
    CompiledSparsity kernel() {
        return kernel;
    }

    /**
     * The original mask seen through the reordering: absolute kernel query {@code offset + i} is
     * original query {@code offset + queryRows[i]}, kernel key {@code j} is key {@code keyColumns[j]}.
     * Compared by identity (it is never cached by content); blocks are classified by enumeration.
     */
    private static final class Reordered implements Mask {
        private final Mask mask;
        private final int offset;
        private final int[] queryRows;
        private final int[] keyColumns;

        Reordered(Mask mask, int offset, int[] queryRows, int[] keyColumns) {
            this.mask = mask;
            this.offset = offset;
            this.queryRows = queryRows;
            this.keyColumns = keyColumns;
        }

        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return mask.attends(batch, head, offset + queryRows[query - offset], keyColumns[key]);
        }

        @Override
        public boolean dependsOnBatch() {
            return mask.dependsOnBatch();
        }

        @Override
        public boolean dependsOnHead() {
            return mask.dependsOnHead();
        }

        @Override
        public void checkShape(MaskShape shape) {
            mask.checkShape(shape);
        }

        @Override
        public String spec() {
            return mask.spec();
        }

        @Override
        public String toString() {
            return mask.spec() + " in " + mask.kernelOrder() + " order";
        }
    }
}
