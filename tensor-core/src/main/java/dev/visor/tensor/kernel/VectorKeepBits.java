package dev.visor.tensor.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API paths of {@link KeepBits}; loaded only when {@link VectorSupport#available()}.
 * {@code fill} runs the SplitMix64 finaliser on a vector of consecutive draws (lane {@code j} of step
 * {@code k} is draw {@code 64w + kL + j}) and ors each lane's bit into place with a variable shift, one
 * lane reduction per 64 draws, the last partial word included; {@code apply} turns {@code L} keep bits
 * into an all-ones or all-zeros lane mask with integer ops only ({@code −(bits & 2^j) >> 31}), its tail
 * in the scalar loop.
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

    /**
     * The keep bits of draws {@code 0 … n−1}, whole words by vector; the last word's bits past {@code n}
     * are computed and masked off, the words past it cleared.
     *
     * <p>One compile unit on purpose: the SplitMix64 finaliser ({@link KeepBits#mix64}) is written out
     * in the loop, and the partial last word handled here, so that this method's bytecode is over C2's
     * {@code FreqInlineSize} (325 bytes) and C2 never inlines it into a caller, hot or cold, whatever
     * was compiled first. Inlined, it could end up deep inside a large caller (a dropout lambda of
     * {@code Residual}: lambda → {@code Rng.keepBits} → {@code KeepBits.fill} → here → the lane
     * operators), where C2 ran out of inlining room at {@code Long512Vector.lanewise}
     * ({@code NodeCountInliningCutoff}); the lane operators were then not intrinsified and every vector
     * was boxed, about twice the training step's allocation, in one JVM of three or four. Compiled on
     * its own the method is small for C2 and all of its vector ops are intrinsified;
     * {@code KeepBitsCompileTest} checks that in a child JVM.
     */
    static void fill(long seed, long gamma, long threshold, long[] keep, int n) {
        if (64 % LL != 0) {
            KeepBits.fillScalar(seed, gamma, threshold, keep, 0, n); // an odd vector shape: the scalar loop
            return;
        }
        int words = (n + 63) >>> 6;
        LongVector lane = LongVector.fromArray(LS, LANE, 0);
        LongVector z = lane.add(1).mul(gamma).add(seed); // draw j of the first step: seed + (j+1)·gamma
        long stride = gamma * LL;
        for (int w = 0; w < words; w++) {
            LongVector acc = LongVector.zero(LS);
            LongVector shift = lane;
            for (int k = 0; k < 64; k += 2 * LL) { // two vectors a step (64 / LL is even: LL is 1, 2, 4 or 8)
                // KeepBits.mix64 lane-wise on draws a = z and b = z + stride, interleaved, then their top 53 bits
                LongVector a = z;
                LongVector b = z.add(stride);
                a = a.lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                b = b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                a = a.lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
                b = b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
                a = a.lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.LSHR, 31)).lanewise(VectorOperators.LSHR, 11);
                b = b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.LSHR, 31)).lanewise(VectorOperators.LSHR, 11);
                // 1 where a draw's bits are ≥ threshold: the sign of the difference (both below 2⁵³ + 1), flipped
                a = a.sub(threshold).lanewise(VectorOperators.LSHR, 63).lanewise(VectorOperators.XOR, 1L);
                b = b.sub(threshold).lanewise(VectorOperators.LSHR, 63).lanewise(VectorOperators.XOR, 1L);
                acc = acc.or(a.lanewise(VectorOperators.LSHL, shift)).or(b.lanewise(VectorOperators.LSHL, shift.add(LL)));
                shift = shift.add(2 * LL);
                z = z.add(2 * stride);
            }
            keep[w] = acc.reduceLanes(VectorOperators.OR);
        }
        if ((n & 63) != 0) {
            keep[words - 1] &= (1L << n) - 1; // the draws past n are the next ones of the stream: not ours
        }
        Arrays.fill(keep, words, keep.length, 0L);
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
