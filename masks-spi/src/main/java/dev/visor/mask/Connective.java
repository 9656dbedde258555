package dev.visor.mask;

/**
 * The two binary operators of the spec language, {@code &} and {@code |}, as one value: what
 * {@link MaskSpec.Chain} and {@link ChainMask} hold so that conjunction and disjunction share one
 * n-ary implementation. A chain {@code a & b & c} is decided by its first operand that equals the
 * {@link #decisive} answer (false for {@code &}, true for {@code |}); otherwise it is the other answer.
 *
 * <pre>{@code
 * Connective.AND.combine(BlockClass.FULL, BlockClass.PARTIAL); // PARTIAL
 * Connective.OR.absorbing();                                   // FULL: one FULL operand decides
 * }</pre>
 */
public enum Connective {
    /** Conjunction, {@code &}: attends where every operand attends. */
    AND("&", 2, false),
    /** Disjunction, {@code |}: attends where some operand attends. */
    OR("|", 1, true);

    private final String symbol;
    private final int precedence;
    private final boolean decisive;

    Connective(String symbol, int precedence, boolean decisive) {
        this.symbol = symbol;
        this.precedence = precedence;
        this.decisive = decisive;
    }

    /** @return the operator as written in specs, {@code "&"} or {@code "|"} */
    public String symbol() {
        return symbol;
    }

    /** @return how tightly the operator binds: 2 for {@code &}, 1 for {@code |} (see {@link MaskSpec#precedence}) */
    public int precedence() {
        return precedence;
    }

    /** @return the operand answer that decides the whole chain: false for {@code &}, true for {@code |} */
    public boolean decisive() {
        return decisive;
    }

    /** @return the block class that decides the whole chain: EMPTY for {@code &}, FULL for {@code |} */
    public BlockClass absorbing() {
        return decisive ? BlockClass.FULL : BlockClass.EMPTY;
    }

    /**
     * The class of {@code a op b} from the operands' classes (strong Kleene logic).
     *
     * @param a the class of the left operand
     * @param b the class of the right operand
     * @return {@link BlockClass#and} or {@link BlockClass#or} of the two
     */
    public BlockClass combine(BlockClass a, BlockClass b) {
        return decisive ? a.or(b) : a.and(b);
    }
}
