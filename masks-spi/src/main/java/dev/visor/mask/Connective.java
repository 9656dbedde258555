package dev.visor.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

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
     * The operands of a chain of this connective with nested chains of the same connective spliced
     * in, checked: no nulls and at least two. Shared by {@link MaskSpec.Chain} and {@link ChainMask}.
     *
     * @param operands the operands as given
     * @param nested the operands of an operand that is a chain of this connective, else null
     * @param <T> the node type
     * @return the flat, unmodifiable operand list
     * @throws IllegalArgumentException if fewer than two operands remain
     */
    <T> List<T> flatten(List<? extends T> operands, Function<T, List<? extends T>> nested) {
        List<T> flat = new ArrayList<>(operands.size());
        for (T operand : operands) {
            Objects.requireNonNull(operand, "operand");
            List<? extends T> inner = nested.apply(operand);
            if (inner != null) flat.addAll(inner);
            else flat.add(operand);
        }
        if (flat.size() < 2) {
            throw new IllegalArgumentException("a '" + symbol + "' chain needs at least two operands but got " + flat.size());
        }
        return List.copyOf(flat);
    }

    /**
     * {@code first op rest[0] op ...} built by {@code chain}, or {@code first} alone when there is no
     * other operand. Shared by {@link MaskSpec#and}/{@link MaskSpec#or} and {@link ChainMask#of}.
     *
     * @param first the first operand
     * @param rest further operands
     * @param chain builds the chain of two or more operands
     * @param <T> the node type
     * @return the chain, or {@code first}
     */
    <T> T join(T first, T[] rest, Function<List<T>, T> chain) {
        if (rest.length == 0) return Objects.requireNonNull(first, "first");
        List<T> all = new ArrayList<>(rest.length + 1);
        all.add(first);
        all.addAll(Arrays.asList(rest));
        return chain.apply(all);
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
