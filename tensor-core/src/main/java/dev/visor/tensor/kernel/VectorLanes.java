package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane reductions whose result does not depend on whether the JIT compiled the caller.
 *
 * <p>{@code FloatVector.reduceLanes(ADD)} may add the lanes in any order (its javadoc says so), and
 * since JDK 25 C2 does use a different order than the interpreter's fallback: the same call rounded
 * differently before and after compilation, which broke "same seed ⇒ bit-identical weights" and
 * made results depend on the thread count. {@link #sumFixedOrder} adds the lanes by a fixed
 * butterfly instead (lane {@code i} with lane {@code i xor L/2}, then {@code i xor L/4}, …): log₂ L
 * exact shuffles and adds, the same bits in every mode.
 *
 * <p>Load only after {@link VectorSupport#available()} returned true.
 */
public final class VectorLanes {
    /** Butterfly shuffles by lane count (2, 4, 8, 16: the 64- to 512-bit species). */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[][] BUTTERFLY = new VectorShuffle[17][];

    static {
        for (VectorSpecies<Float> s : java.util.List.of(
                FloatVector.SPECIES_64, FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512)) {
            BUTTERFLY[s.length()] = butterfly(s);
        }
    }

    private VectorLanes() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] butterfly(VectorSpecies<Float> species) {
        int lanes = species.length();
        int steps = Integer.numberOfTrailingZeros(lanes);
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int i = 0; i < steps; i++) {
            int bit = lanes >> (i + 1);
            out[i] = VectorShuffle.fromOp(species, lane -> lane ^ bit);
        }
        return out;
    }

    /** The sum of the lanes of {@code v}, added in a fixed order (a butterfly; see the class doc). */
    public static float sumFixedOrder(FloatVector v) {
        int lanes = v.length();
        VectorShuffle<Float>[] swaps = lanes < BUTTERFLY.length ? BUTTERFLY[lanes] : null;
        if (swaps == null) { // a wider species than 512 bits: lane by lane, first to last
            float s = v.lane(0);
            for (int i = 1; i < lanes; i++) {
                s += v.lane(i);
            }
            return s;
        }
        for (VectorShuffle<Float> swap : swaps) {
            v = v.add(v.rearrange(swap));
        }
        return v.lane(0);
    }
}
