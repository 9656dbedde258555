package dev.visor.mask;

import java.util.Objects;

/**
 * The negation of a mask: {@code attends = ¬inner.attends}. EMPTY and FULL blocks swap, PARTIAL stays
 * PARTIAL ({@link BlockClass#not}).
 *
 * <pre>{@code
 * Mask noStopWords = padding.and(new NotMask(stopWords)); // "padding & !token(ids=[7, 9])"
 * }</pre>
 *
 * @param inner the negated mask
 */
record NotMask(Mask inner) implements Mask {

    /**
     * Rejects a null operand.
     *
     * @param inner the negated mask
     */
    public NotMask {
        Objects.requireNonNull(inner, "inner");
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return !inner.attends(batch, head, query, key);
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        return inner.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo).not();
    }

    @Override
    public boolean dependsOnBatch() {
        return inner.dependsOnBatch();
    }

    @Override
    public boolean dependsOnHead() {
        return inner.dependsOnHead();
    }

    /** The inner mask's order: a complement has the same EMPTY/FULL structure with the classes swapped. */
    @Override
    public PositionOrder kernelOrder() {
        return inner.kernelOrder();
    }

    @Override
    public void checkShape(MaskShape shape) {
        inner.checkShape(shape);
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
