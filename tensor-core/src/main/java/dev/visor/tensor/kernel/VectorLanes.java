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
    // Butterfly shuffles per species, as constants: loaded from an array, C2 could not always prove
    // their class, fell back to the Java implementation of rearrange and boxed the vectors. Each lane
    // count has a holder class of its own, initialised on the first sum of that many lanes, so a
    // program touches only the species it computes with: making all four shapes' shuffles up front
    // ran FloatSpecies.dummyVector with four species; where C2 had already compiled it for one, that
    // deoptimised on class checks, and every kernel compiled after that inlined it without a class
    // speculation, could not intrinsify its vector stores and boxed its accumulators: the flash
    // kernel then ran 30x slower for the whole life of about one JVM in four to six.

    private static final class Lanes2 {
        static final VectorShuffle<Float> S1 = swap(FloatVector.SPECIES_64, 1);
    }

    private static final class Lanes4 {
        static final VectorShuffle<Float> S2 = swap(FloatVector.SPECIES_128, 2);
        static final VectorShuffle<Float> S1 = swap(FloatVector.SPECIES_128, 1);
    }

    private static final class Lanes8 {
        static final VectorShuffle<Float> S4 = swap(FloatVector.SPECIES_256, 4);
        static final VectorShuffle<Float> S2 = swap(FloatVector.SPECIES_256, 2);
        static final VectorShuffle<Float> S1 = swap(FloatVector.SPECIES_256, 1);
    }

    private static final class Lanes16 {
        static final VectorShuffle<Float> S8 = swap(FloatVector.SPECIES_512, 8);
        static final VectorShuffle<Float> S4 = swap(FloatVector.SPECIES_512, 4);
        static final VectorShuffle<Float> S2 = swap(FloatVector.SPECIES_512, 2);
        static final VectorShuffle<Float> S1 = swap(FloatVector.SPECIES_512, 1);
    }

    private VectorLanes() {}

    private static VectorShuffle<Float> swap(VectorSpecies<Float> species, int bit) {
        return VectorShuffle.fromOp(species, lane -> lane ^ bit);
    }

    /**
     * The sum of the lanes of {@code v}, added in a fixed order (a butterfly; see the class doc).
     * Straight-line code per lane count, with no loop over vectors: once the caller is compiled the
     * lane count is a constant and every step stays in registers.
     *
     * @param v the vector whose lanes are added
     * @return the lane sum, the same bits for the same lanes whatever the caller
     */
    public static float sumFixedOrder(FloatVector v) {
        switch (v.length()) {
            case 16 -> {
                v = v.add(v.rearrange(Lanes16.S8));
                v = v.add(v.rearrange(Lanes16.S4));
                v = v.add(v.rearrange(Lanes16.S2));
                v = v.add(v.rearrange(Lanes16.S1));
                return v.lane(0);
            }
            case 8 -> {
                v = v.add(v.rearrange(Lanes8.S4));
                v = v.add(v.rearrange(Lanes8.S2));
                v = v.add(v.rearrange(Lanes8.S1));
                return v.lane(0);
            }
            case 4 -> {
                v = v.add(v.rearrange(Lanes4.S2));
                v = v.add(v.rearrange(Lanes4.S1));
                return v.lane(0);
            }
            case 2 -> {
                v = v.add(v.rearrange(Lanes2.S1));
                return v.lane(0);
            }
            default -> { // one lane, or a species wider than 512 bits: lane by lane, first to last
                float s = v.lane(0);
                for (int i = 1; i < v.length(); i++) {
                    s += v.lane(i);
                }
                return s;
            }
        }
    }
}
