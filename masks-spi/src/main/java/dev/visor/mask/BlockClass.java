package dev.visor.mask;

/**
 * What a mask allows inside one block {@code [qFrom, qTo) × [kFrom, kTo)} of the score matrix.
 *
 * <p>The contract is one-sided on purpose: {@link #EMPTY} promises that no element of the block
 * attends and {@link #FULL} that every element does, so the kernel may skip an EMPTY block and skip
 * the element predicate in a FULL one. {@link #PARTIAL} means "mixed, or not known": it is always a
 * correct answer, merely a slower one. Built-in leaf masks answer exactly (PARTIAL only when the block
 * really is mixed); composites answer by three-valued (strong Kleene) logic over their children, so
 * {@code causal & !causal} is PARTIAL on a diagonal block although no element there attends.
 *
 * <pre>{@code
 * BlockClass c = left.classify(b, h, q0, q1, k0, k1).and(right.classify(b, h, q0, q1, k0, k1));
 * if (c == BlockClass.EMPTY) continue; // skip the block
 * }</pre>
 */
public enum BlockClass {
    /** No element of the block attends. */
    EMPTY,
    /** Some elements may attend and some may not; evaluate the element predicate. */
    PARTIAL,
    /** Every element of the block attends. */
    FULL;

    /**
     * The class of {@code a ∧ b} given the classes of {@code a} and {@code b}: EMPTY if either is
     * EMPTY, FULL if both are FULL, PARTIAL otherwise.
     *
     * @param other the class of the other operand
     * @return the class of the conjunction
     */
    public BlockClass and(BlockClass other) {
        if (this == EMPTY || other == EMPTY) return EMPTY;
        if (this == FULL && other == FULL) return FULL;
        return PARTIAL;
    }

    /**
     * The class of {@code a ∨ b}: FULL if either is FULL, EMPTY if both are EMPTY, PARTIAL otherwise.
     *
     * @param other the class of the other operand
     * @return the class of the disjunction
     */
    public BlockClass or(BlockClass other) {
        if (this == FULL || other == FULL) return FULL;
        if (this == EMPTY && other == EMPTY) return EMPTY;
        return PARTIAL;
    }

    /**
     * The class of {@code ¬a}: EMPTY and FULL swap, PARTIAL stays PARTIAL.
     *
     * @return the class of the negation
     */
    public BlockClass not() {
        return switch (this) {
            case EMPTY -> FULL;
            case FULL -> EMPTY;
            case PARTIAL -> PARTIAL;
        };
    }

    /**
     * The exact class of a block from whether any and whether all of its elements attend.
     *
     * @param any whether at least one element attends
     * @param all whether every element attends
     * @return FULL if {@code all}, EMPTY if not {@code any}, else PARTIAL
     */
    public static BlockClass of(boolean any, boolean all) {
        if (all) return FULL;
        return any ? PARTIAL : EMPTY;
    }
}
