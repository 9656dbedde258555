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

    /** Whether {@link #fill} runs in lanes (a vector of longs divides a word), and so can fill any range of words. */
    static final boolean SPLITS = 64 % LL == 0;

    /**
     * The keep bits of words {@code w0 … w1−1} of the draws {@code 0 … n−1} (draws {@code 64·w0} on),
     * whole words by vector; the range holding the last word masks off its bits past {@code n} and
     * clears the words past it. Ranges of one call ({@link KeepBits#fill} splits the words across
     * threads) write disjoint words. Without {@link #SPLITS}, all words, from the scalar loop.
     *
     * <p>One compile unit on purpose. The SplitMix64 finaliser ({@link KeepBits#mix64}) is written out
     * in the loop, the loop's scalars are broadcast once before it and the partial last word is handled
     * here, which puts this method's bytecode (383 bytes) over C2's {@code FreqInlineSize} (325): C2
     * then never inlines it into a caller, hot or cold, whatever was compiled first. Inlined, it could
     * end up deep inside a large caller ({@code Residual}'s dropout lambda → {@code Rng.keepBits} →
     * {@code KeepBits.fill} → here → the lane operators) where C2 ran out of inlining room at
     * {@code Long512Vector.lanewise} ({@code NodeCountInliningCutoff}); the lane operators were then not
     * intrinsified and every vector was boxed, about twice the training step's allocation, in 3 of 14
     * demo-training JVMs before this change (train4's diagnosis, docs/DESIGN.md). Compiled on its own the method is small for C2
     * and all of its vector ops are intrinsified. Keep it over 325 bytes and keep the finaliser out of
     * helper methods: {@code KeepBitsCompileTest} checks both in a child JVM.
     */
    static void fill(long seed, long gamma, long threshold, long[] keep, int w0, int w1, int n) {
        int words = (n + 63) >>> 6;
        if (64 % LL != 0) {
            KeepBits.fillScalar(seed, gamma, threshold, keep, 0, n); // an odd vector shape: the scalar loop, never split
            return;
        }
        LongVector lane = LongVector.fromArray(LS, LANE, 0);
        // draw j of the first step: seed + (64·w0 + j + 1)·gamma, the same sum mod 2⁶⁴ as stepping from draw 0
        LongVector z = lane.add(1 + 64L * w0).mul(gamma).add(seed);
        // the loop's scalars broadcast once, before it
        LongVector stride = LongVector.broadcast(LS, gamma * LL);
        LongVector lanes = LongVector.broadcast(LS, LL);
        LongVector mul1 = LongVector.broadcast(LS, 0xBF58476D1CE4E5B9L);
        LongVector mul2 = LongVector.broadcast(LS, 0x94D049BB133111EBL);
        LongVector limit = LongVector.broadcast(LS, threshold);
        LongVector one = LongVector.broadcast(LS, 1L);
        for (int w = w0; w < w1; w++) {
            LongVector acc = LongVector.zero(LS);
            LongVector shift = lane;
            for (int k = 0; k < 64; k += LL) {
                // KeepBits.mix64 lane-wise, then the draw's top 53 bits
                LongVector m = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(mul1);
                m = m.lanewise(VectorOperators.XOR, m.lanewise(VectorOperators.LSHR, 27)).mul(mul2);
                m = m.lanewise(VectorOperators.XOR, m.lanewise(VectorOperators.LSHR, 31)).lanewise(VectorOperators.LSHR, 11);
                // 1 where m ≥ threshold: the sign of m − threshold (both below 2⁵³ + 1), flipped
                LongVector kept = m.sub(limit).lanewise(VectorOperators.LSHR, 63).lanewise(VectorOperators.XOR, one);
                acc = acc.or(kept.lanewise(VectorOperators.LSHL, shift));
                shift = shift.add(lanes);
                z = z.add(stride);
            }
            keep[w] = acc.reduceLanes(VectorOperators.OR);
        }
        if (w1 == words) {
            if ((n & 63) != 0) {
                keep[words - 1] &= (1L << n) - 1; // the draws past n are the next ones of the stream: not ours
            }
            Arrays.fill(keep, words, keep.length, 0L);
        }
    }

    static void apply(float[] in, long[] keep, float scale, float[] out, int from, int n) {
        int i = from;   // a multiple of 64, so of FL: every vector's bits lie in one word
        if (64 % FL == 0 && IS.length() == FL) {
            IntVector laneBit = IntVector.fromArray(IS, LANE_BIT, 0);
            for (int bound = from + FS.loopBound(n - from); i < bound; i += FL) {
                int bits = (int) (keep[i >>> 6] >>> (i & 63)); // the low FL bits are this vector's
                IntVector all = IntVector.broadcast(IS, bits).and(laneBit).neg().lanewise(VectorOperators.ASHR, 31);
                FloatVector v = FloatVector.fromArray(FS, in, i).mul(scale);
                v.reinterpretAsInts().and(all).reinterpretAsFloats().intoArray(out, i);
            }
        }
        KeepBits.applyScalar(in, keep, scale, out, i, n);
    }
}
