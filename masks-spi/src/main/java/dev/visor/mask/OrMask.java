package dev.visor.mask;

import java.util.Objects;

/**
 * The disjunction of two masks: {@code attends = left.attends ∨ right.attends}. Block classes come
 * from the children by {@link BlockClass#or} without enumeration (FULL short-circuits).
 *
 * <pre>{@code
 * Mask longformer = new SlidingWindowMask(64, 64).or(new GlobalMask(0)); // "sliding_window(...) | global(...)"
 * }</pre>
 *
 * @param left the left operand
 * @param right the right operand
 */
public record OrMask(Mask left, Mask right) implements Mask {

    /** Rejects null operands. */
    public OrMask {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return left.attends(batch, head, query, key) || right.attends(batch, head, query, key);
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        BlockClass a = left.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
        if (a == BlockClass.FULL) return a;
        return a.or(right.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo));
    }

    @Override
    public boolean dependsOnBatch() {
        return left.dependsOnBatch() || right.dependsOnBatch();
    }

    @Override
    public boolean dependsOnHead() {
        return left.dependsOnHead() || right.dependsOnHead();
    }

    @Override
    public void checkShape(MaskShape shape) {
        left.checkShape(shape);
        right.checkShape(shape);
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
