package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.ContextField;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code query_padding}: query {@code q} (absolute) of sequence {@code b} attends anything only if
 * {@code q < queryValid[b]}; padded queries get empty rows, which attention turns into zero output
 * and zero gradient. Needs {@link ContextField#QUERY_VALID_LENGTHS}.
 *
 * <pre>{@code
 * Mask m = registry.create("causal & padding & query_padding", ctx);
 * }</pre>
 */
public final class QueryPaddingMask implements Mask {
    private final int[] queryValid; // (batch), absolute positions

    /**
     * A query padding mask for explicit lengths.
     *
     * @param queryValidLengths one per sequence, absolute positions, each at least 0
     */
    public QueryPaddingMask(int... queryValidLengths) {
        this.queryValid = queryValidLengths.clone();
        for (int b = 0; b < queryValid.length; b++) {
            if (queryValid[b] < 0) {
                throw new IllegalArgumentException("queryValidLengths[" + b + "] = " + queryValid[b] + " is negative");
            }
        }
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return query < queryValid[batch];
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int valid = queryValid[batch];
        if (queryTo <= valid) return BlockClass.FULL;
        if (queryFrom >= valid) return BlockClass.EMPTY;
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
        if (shape.batch() != queryValid.length) {
            throw new IllegalArgumentException("query_padding mask holds valid lengths for " + queryValid.length
                    + " sequences but the shape has batch " + shape.batch());
        }
    }

    @Override
    public String spec() {
        return Strategy.NAME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryPaddingMask p && Arrays.equals(queryValid, p.queryValid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(queryValid) * 31 + 7;
    }

    @Override
    public String toString() {
        return spec() + Arrays.toString(queryValid);
    }

    /** The {@code query_padding} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "query_padding";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "queries at or past their sequence's valid length attend nothing";
        }

        @Override
        public Set<ContextField> needs() {
            return Set.of(ContextField.QUERY_VALID_LENGTHS);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new QueryPaddingMask(context.queryValidLengths());
        }
    }
}
