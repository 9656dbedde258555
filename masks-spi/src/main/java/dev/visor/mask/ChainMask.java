package dev.visor.mask;

import java.util.List;
import java.util.Objects;

/**
 * An n-ary conjunction or disjunction of masks: {@code attends = operands[0].attends op operands[1]
 * ...}. Block classes come from the operands by {@link Connective#combine} without enumeration, and
 * the first operand that answers the {@link Connective#absorbing} class (EMPTY for {@code &}, FULL for
 * {@code |}) ends the walk. Operands that are chains of the same connective are flattened into this
 * one, so {@code (a & b) & c} and {@code a & (b & c)} are the same value, and evaluating a chain of
 * any length iterates instead of recursing.
 *
 * <pre>{@code
 * Mask local = CausalMask.INSTANCE.and(new SlidingWindowMask(256, 0));   // "causal & sliding_window(...)"
 * Mask longformer = Masks.or(new SlidingWindowMask(64, 64), new GlobalMask(0));
 * }</pre>
 *
 * @param connective {@code &} or {@code |}
 * @param operands two or more masks, none itself a chain of the same connective
 */
record ChainMask(Connective connective, List<Mask> operands) implements Mask {

    /**
     * Flattens nested chains of the same connective and rejects nulls and fewer than two operands.
     *
     * @param connective {@code &} or {@code |}; not null
     * @param operands two or more non-null masks; chains of the same connective among them are replaced by their operands
     * @throws IllegalArgumentException for fewer than two operands
     */
    public ChainMask {
        Connective op = Objects.requireNonNull(connective, "connective");
        operands = op.flatten(operands, m -> m instanceof ChainMask c && c.connective == op ? c.operands : null);
    }

    /**
     * {@code first op rest[0] op ...}, or {@code first} alone when there is no other operand.
     *
     * @param connective {@code &} or {@code |}
     * @param first the first operand
     * @param rest further operands
     * @return the chain, or {@code first}
     */
    public static Mask of(Connective connective, Mask first, Mask... rest) {
        return connective.join(first, rest, all -> new ChainMask(connective, all));
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        boolean decisive = connective.decisive();
        for (Mask m : operands) {
            if (m.attends(batch, head, query, key) == decisive) return decisive;
        }
        return !decisive;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        BlockClass absorbing = connective.absorbing();
        BlockClass result = null;
        for (Mask m : operands) {
            BlockClass c = m.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
            if (c == absorbing) return c;
            result = result == null ? c : connective.combine(result, c);
        }
        return result;
    }

    @Override
    public boolean dependsOnBatch() {
        for (Mask m : operands) if (m.dependsOnBatch()) return true;
        return false;
    }

    @Override
    public boolean dependsOnHead() {
        for (Mask m : operands) if (m.dependsOnHead()) return true;
        return false;
    }

    /** The first operand's order that is not the identity: any order is correct, this one helps that operand. */
    @Override
    public PositionOrder kernelOrder() {
        for (Mask m : operands) {
            PositionOrder o = m.kernelOrder();
            if (!o.isNatural()) return o;
        }
        return PositionOrder.natural();
    }

    @Override
    public void checkShape(MaskShape shape) {
        for (Mask m : operands) m.checkShape(shape);
    }

    @Override
    public String spec() {
        return MaskSpec.print(this);
    }

    @Override
    public String toString() {
        return spec();
    }
}
