package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.ContextKey;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.Arrays;
import java.util.Set;

/**
 * Padding on one side of attention, as a valid range {@code [from[b], to[b])} per sequence (left
 * and/or right padding):
 * <ul>
 *   <li>{@code padding} ({@link Side#KEYS}): key {@code k} of sequence {@code b} may be attended iff
 *       {@code from[b] <= k < to[b]} — the key-side padding mask of "Attention Is All You Need",
 *       PyTorch's {@code key_padding_mask} with the polarity flipped. Needs
 *       {@link ContextKey#KEY_VALID_LENGTHS}.</li>
 *   <li>{@code query_padding} ({@link Side#QUERIES}): absolute query {@code q} attends anything only
 *       if {@code from[b] <= q < to[b]}; padded queries get empty rows (zero output and gradient).
 *       Needs {@link ContextKey#QUERY_VALID_LENGTHS}.</li>
 * </ul>
 * One class serves both (they differ only in the axis), so they classify, compare and print alike.
 *
 * <pre>{@code
 * MaskContext ctx = MaskContext.builder(2, 8, 64, 64).validRanges(new int[] {0, 24}, new int[] {64, 64}).build();
 * Mask m = registry.create("padding", ctx);   // sequence 1 is left-padded: keys 0..23 are never attended
 * }</pre>
 */
public final class PaddingMask implements Mask {
    /** Which positions the valid ranges restrict. */
    public enum Side {
        /** Keys outside the range are never attended ({@code padding}). */
        KEYS,
        /** Queries outside the range attend nothing ({@code query_padding}). */
        QUERIES
    }

    private final Side side;
    private final int[] from; // (batch)
    private final int[] to;   // (batch)

    /**
     * Right padding of the keys: {@code padding} over valid lengths.
     *
     * @param keyValidLengths one per sequence, each at least 0
     */
    public PaddingMask(int... keyValidLengths) {
        this(Side.KEYS, new int[keyValidLengths.length], keyValidLengths);
    }

    /**
     * Padding of one side over valid ranges {@code [from[b], to[b])}.
     *
     * @param side keys or queries
     * @param from first valid position per sequence, at least 0
     * @param to one past the last valid position per sequence, at least {@code from[b]}
     */
    public PaddingMask(Side side, int[] from, int[] to) {
        this.side = java.util.Objects.requireNonNull(side, "side");
        this.from = from.clone();
        this.to = to.clone();
        String what = side == Side.KEYS ? "keyValid" : "queryValid";
        if (this.from.length != this.to.length) {
            throw new IllegalArgumentException(what + " ranges have " + from.length + " starts but " + to.length + " ends");
        }
        for (int b = 0; b < this.to.length; b++) {
            if (this.to[b] < 0) throw new IllegalArgumentException(what + "Lengths[" + b + "] = " + this.to[b] + " is negative");
            if (this.from[b] < 0 || this.from[b] > this.to[b]) {
                throw new IllegalArgumentException(what + " range " + b + " is [" + this.from[b] + ", " + this.to[b] + "): not a range");
            }
        }
    }

    /** @return the side the ranges restrict */
    public Side side() {
        return side;
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        int p = side == Side.KEYS ? key : query;
        return p >= from[batch] && p < to[batch];
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int lo = side == Side.KEYS ? keyFrom : queryFrom;
        int hi = side == Side.KEYS ? keyTo : queryTo;
        if (lo >= from[batch] && hi <= to[batch]) return BlockClass.FULL;
        if (hi <= from[batch] || lo >= to[batch] || from[batch] >= to[batch]) return BlockClass.EMPTY;
        return BlockClass.PARTIAL;
    }

    @Override
    public boolean dependsOnBatch() {
        return true;
    }

    @Override
    public boolean dependsOnHead() {
        return false;
    }

    @Override
    public void checkShape(MaskShape shape) {
        if (shape.batch() != to.length) {
            throw new IllegalArgumentException(spec() + " mask holds valid lengths for " + to.length
                    + " sequences but the shape has batch " + shape.batch());
        }
    }

    @Override
    public String spec() {
        return side == Side.KEYS ? Strategy.NAME : QueryStrategy.NAME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaddingMask p && p.side == side && Arrays.equals(to, p.to) && Arrays.equals(from, p.from);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(to) * 31 + Arrays.hashCode(from)) * 31 + side.hashCode();
    }

    @Override
    public String toString() {
        return spec() + (Arrays.stream(from).allMatch(f -> f == 0) ? Arrays.toString(to)
                : "[from " + Arrays.toString(from) + " to " + Arrays.toString(to) + "]");
    }

    private static PaddingMask of(Side side, MaskContext c) {
        int n = c.batch();
        int[] from = new int[n];
        int[] to = side == Side.KEYS ? c.keyValidLengths() : c.queryValidLengths();
        for (int b = 0; b < n; b++) from[b] = side == Side.KEYS ? c.keyValidStart(b) : c.queryValidStart(b);
        return new PaddingMask(side, from, to);
    }

    /** The {@code padding} strategy: keys outside their sequence's valid range. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "padding";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "keys outside their sequence's valid range (left or right padding) are never attended";
        }

        @Override
        public Set<ContextKey<?>> needs() {
            return Set.of(ContextKey.KEY_VALID_LENGTHS);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return of(Side.KEYS, context);
        }
    }

    /** The {@code query_padding} strategy: queries outside their sequence's valid range attend nothing. */
    public static final class QueryStrategy implements MaskStrategy {
        static final String NAME = "query_padding";

        /** For {@link java.util.ServiceLoader}. */
        public QueryStrategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "queries outside their sequence's valid range (left or right padding) attend nothing";
        }

        @Override
        public Set<ContextKey<?>> needs() {
            return Set.of(ContextKey.QUERY_VALID_LENGTHS);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return of(Side.QUERIES, context);
        }
    }
}
