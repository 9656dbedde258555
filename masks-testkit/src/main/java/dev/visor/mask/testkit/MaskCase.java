package dev.visor.mask.testkit;

import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.Masks;

/**
 * One generated test case of {@link MaskStrategyContract}: a strategy, its arguments, a context, the
 * mask they create, and one in-bounds block {@code [queryFrom, queryTo) × [keyFrom, keyTo)} of one
 * sequence and head. Prints as the spec, the block and the context so counterexamples read well.
 *
 * <pre>{@code
 * MaskCase c = MaskCase.of(strategy, MaskArguments.defaults(strategy), ctx, 0, 0, 0, 4, 0, 4);
 * }</pre>
 *
 * @param strategy the strategy under test
 * @param arguments its arguments
 * @param context the context
 * @param mask {@code Masks.create(strategy, arguments, context)}
 * @param batch the block's sequence
 * @param head the block's head
 * @param queryFrom first absolute query of the block
 * @param queryTo one past its last query
 * @param keyFrom first key of the block
 * @param keyTo one past its last key
 */
public record MaskCase(MaskStrategy strategy, MaskArguments arguments, MaskContext context, Mask mask, int batch,
                       int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {

    /**
     * Checks that the block lies inside the context.
     *
     * @param strategy the strategy under test; not null
     * @param arguments arguments checked for {@code strategy}
     * @param context the context the mask was created for; its shape bounds the block
     * @param mask the mask {@code strategy} created from {@code arguments} and {@code context}
     * @param batch in {@code [0, batch)} of the context
     * @param head in {@code [0, heads)} of the context
     * @param queryFrom at least the context's query offset
     * @param queryTo greater than {@code queryFrom}, at most the offset plus the query length
     * @param keyFrom at least 0
     * @param keyTo greater than {@code keyFrom}, at most the key length
     * @throws IllegalArgumentException naming the block and the shape when the block is empty or outside the context
     */
    public MaskCase {
        MaskShape s = context.shape();
        if (batch < 0 || batch >= s.batch() || head < 0 || head >= s.heads() || queryFrom < s.queryOffset()
                || queryTo > s.queryEnd() || queryFrom >= queryTo || keyFrom < 0 || keyTo > s.keyLength()
                || keyFrom >= keyTo) {
            throw new IllegalArgumentException("block b=" + batch + " h=" + head + " [" + queryFrom + ", " + queryTo
                    + ") × [" + keyFrom + ", " + keyTo + ") is not a non-empty block of " + s);
        }
    }

    /**
     * Creates the mask (through {@link Masks#create}, so needs are checked) and the case.
     *
     * @param strategy the strategy
     * @param arguments its arguments
     * @param context the context
     * @param batch the block's sequence
     * @param head the block's head
     * @param queryFrom first absolute query
     * @param queryTo end of queries
     * @param keyFrom first key
     * @param keyTo end of keys
     * @return the case
     */
    public static MaskCase of(MaskStrategy strategy, MaskArguments arguments, MaskContext context, int batch, int head,
                              int queryFrom, int queryTo, int keyFrom, int keyTo) {
        return new MaskCase(strategy, arguments, context, Masks.create(strategy, arguments, context), batch, head,
                queryFrom, queryTo, keyFrom, keyTo);
    }

    /** @return the context's shape */
    public MaskShape shape() {
        return context.shape();
    }

    @Override
    public String toString() {
        return mask.spec() + " on block (batch " + batch + ", head " + head + ", queries [" + queryFrom + ", " + queryTo
                + "), keys [" + keyFrom + ", " + keyTo + ")) of " + context;
    }
}
