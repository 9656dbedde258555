package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * Lane reductions whose result does not depend on whether the JIT compiled the caller.
 *
 * <p>{@code FloatVector.reduceLanes(ADD)} may add the lanes in any order (its javadoc says so), and
 * since JDK 25 C2 does use a different order than the interpreter's fallback: the same call rounded
 * differently before and after compilation, which broke "same seed ⇒ bit-identical weights" and
 * made results depend on the thread count. Adding the lanes one after the other, first to last,
 * gives the same bits in every mode; it costs a few cycles per reduction, which happens once per
 * row, not per element.
 *
 * <p>Load only after {@link VectorSupport#available()} returned true.
 */
public final class VectorLanes {
    private VectorLanes() {}

    /** {@code ((v[0] + v[1]) + v[2]) + ...}, in lane order. */
    public static float sumInOrder(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1, n = v.length(); i < n; i++) {
            s += v.lane(i);
        }
        return s;
    }
}
