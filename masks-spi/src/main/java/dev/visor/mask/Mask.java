package dev.visor.mask;

/**
 * An attention mask bound to one context: the element predicate, its block classification, and a
 * canonical spec string. One polarity everywhere: {@code true} means the query <em>may attend</em>
 * the key.
 *
 * <p><b>Positions are absolute.</b> {@code query} ranges over {@code [queryOffset, queryOffset +
 * queryLength)} and {@code key} over {@code [0, keyLength)} of the {@link MaskShape}, so a query block
 * that starts at offset {@code o} in a KV cache is query {@code o + i} and {@code causal} is simply
 * {@code key <= query}.
 *
 * <p><b>Block classification</b> ({@link #classify}) is what lets attention skip work. The default
 * answers by enumerating the block; every built-in overrides it with an O(1) closed form, and a plugin
 * should too, or compiling a long mask costs O(Lq·Lk). The answer must be sound: EMPTY only if no
 * element attends, FULL only if every element does; PARTIAL is always allowed (see {@link BlockClass}).
 *
 * <p><b>Masks are values:</b> immutable, with structural {@code equals}/{@code hashCode} (two masks
 * that are equal must answer identically for every shape they accept), and {@link #spec()} returns the
 * canonical spec string that creates an equal mask from the same context. Compiled masks are cached
 * by mask equality.
 *
 * <pre>{@code
 * MaskContext ctx = MaskContext.builder(2, 8, 128, 128).validLengths(128, 100).build();
 * Mask mask = MaskRegistry.load().create("causal & padding", ctx);
 * boolean may = mask.attends(1, 0, 99, 42);                 // true: 42 <= 99 and 42 < 100
 * BlockClass c = mask.classify(1, 0, 0, 64, 64, 128);     // EMPTY: every key is after every query
 * }</pre>
 */
public interface Mask {

    /**
     * The element predicate: whether {@code query} may attend {@code key} in sequence {@code batch},
     * head {@code head}. Must be pure and cheap: the attention kernel calls it inside PARTIAL blocks.
     *
     * @param batch the sequence, in {@code [0, batch)}
     * @param head the head, in {@code [0, heads)}
     * @param query the absolute query position, in {@code [queryOffset, queryOffset + queryLength)}
     * @param key the key position, in {@code [0, keyLength)}
     * @return true if the query may attend the key
     */
    boolean attends(int batch, int head, int query, int key);

    /**
     * Classifies the block {@code [queryFrom, queryTo) × [keyFrom, keyTo)} for one sequence and head.
     * Callers pass non-empty, in-bounds ranges. The default enumerates the block (stopping as soon as
     * it has seen both answers); override it with a closed form.
     *
     * @param batch the sequence
     * @param head the head
     * @param queryFrom first absolute query position (inclusive)
     * @param queryTo last absolute query position (exclusive), greater than {@code queryFrom}
     * @param keyFrom first key position (inclusive)
     * @param keyTo last key position (exclusive), greater than {@code keyFrom}
     * @return EMPTY only if no element attends, FULL only if all do, otherwise PARTIAL
     */
    default BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        boolean any = false;
        boolean all = true;
        for (int q = queryFrom; q < queryTo; q++) {
            for (int k = keyFrom; k < keyTo; k++) {
                if (attends(batch, head, q, k)) any = true;
                else all = false;
                if (any && !all) return BlockClass.PARTIAL;
            }
        }
        return BlockClass.of(any, all);
    }

    /**
     * Whether answers may differ between sequences of the batch. When false, compiled masks store one
     * block layout for the whole batch. The default is the safe {@code true}.
     *
     * @return false only if {@code attends(b, ...)} is the same for every {@code b}
     */
    default boolean dependsOnBatch() {
        return true;
    }

    /**
     * Whether answers may differ between heads. When false, compiled masks store one block layout for
     * all heads. The default is the safe {@code true}.
     *
     * @return false only if {@code attends(b, h, ...)} is the same for every {@code h}
     */
    default boolean dependsOnHead() {
        return true;
    }

    /**
     * A hint for the attention kernel: an order of positions under which this mask's blocks are
     * mostly EMPTY or FULL although they are PARTIAL in the natural order (e.g.
     * {@link PositionOrder#byResidue} for a strided pattern). The kernel may gather queries and keys
     * into this order; it still asks {@link #attends} at the original positions, so the hint can only
     * change the speed, never the result. The default is {@link PositionOrder#natural()}.
     *
     * @return the order the kernel may use
     * @since 0.3
     */
    default PositionOrder kernelOrder() {
        return PositionOrder.natural();
    }

    /**
     * Checks that this mask can be evaluated over {@code shape}, e.g. that a mask holding per-sequence
     * lengths was created for the same batch size. The default accepts every shape; masks that hold
     * context data override it so a mismatch is a clear error rather than an index out of bounds.
     *
     * @param shape the shape the mask is about to be compiled or evaluated for
     * @throws IllegalArgumentException naming the mismatching sizes
     */
    default void checkShape(MaskShape shape) {
    }

    /**
     * The canonical spec string, e.g. {@code sliding_window(left=128, right=0)}: the strategy name
     * followed by every declared parameter in declaration order ({@link MaskSpec} prints it), or an
     * expression of such calls for composites. Parsing it with the same registry and context yields an
     * equal mask. Context data (lengths, ids) is not part of the spec.
     *
     * @return the canonical spec
     */
    String spec();

    /**
     * The conjunction {@code this & other}.
     *
     * @param other the other mask
     * @return a mask that attends where both attend
     */
    default Mask and(Mask other) {
        return ChainMask.of(Connective.AND, this, other);
    }

    /**
     * The disjunction {@code this | other}.
     *
     * @param other the other mask
     * @return a mask that attends where either attends
     */
    default Mask or(Mask other) {
        return ChainMask.of(Connective.OR, this, other);
    }

    /**
     * The negation {@code !this}.
     *
     * @return a mask that attends exactly where this one does not
     */
    default Mask not() {
        return new NotMask(this);
    }
}
