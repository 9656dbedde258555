package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API paths of {@link KeepBits}; loaded only when {@link VectorSupport#available()}.
 * {@code fill} runs the SplitMix64 finaliser on a vector of consecutive draws (lane {@code j} of step
 * {@code k} is draw {@code 64w + kL + j}) and ors each lane's bit into place with a variable shift, one
 * lane reduction per 64 draws; {@code apply} turns {@code L} keep bits into an all-ones or all-zeros
 * lane mask with integer ops only ({@code −(bits & 2^j) >> 31}). Tails run the scalar loops.
 */
final class VectorKeepBits {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int LL = LS.length();
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final long[] LANE = new long[LL];
    private static final int[] LANE_BIT = new int[FL];

    static {
        for (int j = 0; j < LL; j++) {
            LANE[j] = j;
        }
        for (int j = 0; j < FL; j++) {
            LANE_BIT[j] = 1 << j;
        }
    }

    private VectorKeepBits() {}

    static void fill(long seed, long gamma, long threshold, long[] keep, int n) {
        int words = n >>> 6;
        if (64 % LL != 0 || IS.length() != FL) {
            words = 0; // an odd vector shape: the scalar loop does everything
        }
        LongVector lane = LongVector.fromArray(LS, LANE, 0);
        LongVector z = lane.add(1).mul(gamma).add(seed); // draw j of the first step: seed + (j+1)·gamma
        long stride = gamma * LL;
        for (int w = 0; w < words; w++) {
            LongVector acc = LongVector.zero(LS);
            LongVector shift = lane;
            for (int k = 0; k < 64; k += LL) {
                LongVector m = mix64(z).lanewise(VectorOperators.LSHR, 11);
                // 1 where m ≥ threshold: the sign of m − threshold (both below 2⁵³ + 1), flipped
                LongVector kept = m.sub(threshold).lanewise(VectorOperators.LSHR, 63).lanewise(VectorOperators.XOR, 1L);
                acc = acc.or(kept.lanewise(VectorOperators.LSHL, shift));
                shift = shift.add(LL);
                z = z.add(stride);
            }
            keep[w] = acc.reduceLanes(VectorOperators.OR);
        }
        KeepBits.fillScalar(seed, gamma, threshold, keep, words << 6, n);
    }

    private static LongVector mix64(LongVector z) {
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    static void apply(float[] in, long[] keep, float scale, float[] out, int n) {
        int i = 0;
        if (64 % FL == 0 && IS.length() == FL) {
            IntVector laneBit = IntVector.fromArray(IS, LANE_BIT, 0);
            for (int bound = FS.loopBound(n); i < bound; i += FL) {
                int bits = (int) (keep[i >>> 6] >>> (i & 63)); // the low FL bits are this vector's
                IntVector all = IntVector.broadcast(IS, bits).and(laneBit).neg().lanewise(VectorOperators.ASHR, 31);
                FloatVector v = FloatVector.fromArray(FS, in, i).mul(scale);
                v.reinterpretAsInts().and(all).reinterpretAsFloats().intoArray(out, i);
            }
        }
        KeepBits.applyScalar(in, keep, scale, out, i, n);
    }
}
