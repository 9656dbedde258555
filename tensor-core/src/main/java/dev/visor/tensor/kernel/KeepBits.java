package dev.visor.tensor.kernel;

/**
 * Dropout's two inner loops: drawing the keep bits from a SplitMix64 stream, and applying them. Large
 * masks are split across the kernel threads ({@link Parallel}) by whole words: every bit is a function
 * of its draw's index alone, so the bits are the same on any number of threads.
 *
 * <p>{@link #fill} computes, for draws {@code i = 0 … n−1} of the SplitMix64 stream with state
 * {@code seed} and increment {@code gamma} ({@code java.util.SplittableRandom}'s algorithm: draw
 * {@code i} is {@code mix64(seed + (i+1)·gamma)}), the bit {@code (draw >>> 11) ≥ threshold}: the
 * test {@code nextDouble() ≥ p} made exactly on the 53-bit integer behind the double. As each draw
 * depends only on its index, the Vector API path computes a vector of draws at once and gives the same
 * bits as the scalar loop. {@link #apply} is {@code out[i] = in[i]·scale} where the bit is set and
 * {@code +0} where it is not (also for an infinite or NaN input). {@link Reference} holds the plain
 * loops the tests compare with.
 */
public final class KeepBits {
    private static final boolean VECTOR = VectorSupport.available();
    /**
     * The fewest words of keep bits per chunk when {@link #fill} splits across threads (32 768 draws,
     * ≈ 35 µs on one Zen 4 core: well above a split's hand-off); smaller masks are drawn on the caller.
     */
    private static final int FILL_GRAIN = 512;
    /**
     * The fewest words of keep bits per chunk of {@link #forWordRanges} (64 K elements), which
     * {@link #apply} and the fused dropouts split by.
     */
    public static final int SPLIT_WORDS = 1024;

    private KeepBits() {}

    /**
     * Writes the keep bits of draws {@code 0 … n−1}: bit {@code i % 64} of {@code keep[i / 64]}.
     *
     * @param seed the stream's state before the first draw
     * @param gamma the stream's increment (odd)
     * @param threshold a draw is kept when its top 53 bits, as an integer, are at least this ({@code ⌈p·2⁵³⌉})
     * @param keep receives the bits; at least {@code ⌈n/64⌉} words, the bits past {@code n} are cleared
     * @param n the number of draws, at least 0
     */
    public static void fill(long seed, long gamma, long threshold, long[] keep, int n) {
        if (n < 0 || keep.length < (n + 63L) >>> 6) {
            throw new IllegalArgumentException("keep bits of " + n + " draws need " + ((n + 63L) >>> 6) + " words but got "
                    + keep.length);
        }
        int words = (n + 63) >>> 6;
        if (VECTOR && VectorKeepBits.SPLITS && words >= 2 * FILL_GRAIN && Parallel.threads() > 1) {
            Parallel.forRange(words, FILL_GRAIN, (w0, w1) -> VectorKeepBits.fill(seed, gamma, threshold, keep, w0, w1, n));
        } else if (VECTOR) {
            VectorKeepBits.fill(seed, gamma, threshold, keep, 0, words, n);
        } else {
            fillScalar(seed, gamma, threshold, keep, 0, n);
        }
    }

    /**
     * {@code out[i] = in[i]·scale} where bit {@code i} of {@code keep} is set, {@code +0} where it is
     * not, for {@code i < n}.
     *
     * @param in the input values
     * @param keep the keep bits, at least {@code ⌈n/64⌉} words
     * @param scale the factor of a kept element ({@code 1/(1−p)})
     * @param out receives the {@code n} results; may be {@code in} itself
     * @param n the number of elements, at most the length of {@code in} and {@code out}
     */
    public static void apply(float[] in, long[] keep, float scale, float[] out, int n) {
        if (n < 0 || n > in.length || n > out.length || keep.length < (n + 63L) >>> 6) {
            throw new IllegalArgumentException("dropout of " + n + " elements with inputs of " + in.length + ", outputs of "
                    + out.length + " and " + keep.length + " keep words");
        }
        if (VECTOR && n >= 2 * 64 * SPLIT_WORDS && Parallel.threads() > 1) {
            // chunks of whole words: each vector's bits lie in one word, as in one call
            forWordRanges(n, (from, to) -> VectorKeepBits.apply(in, keep, scale, out, from, to));
        } else if (VECTOR) {
            VectorKeepBits.apply(in, keep, scale, out, 0, n);
        } else {
            applyScalar(in, keep, scale, out, 0, n);
        }
    }

    /**
     * Runs {@code body} over elements {@code [0, n)} split across the kernel threads ({@link
     * Parallel#forRange}) in chunks of whole words of keep bits: each chunk starts at a multiple of
     * 64 and has at least {@value #SPLIT_WORDS} words, so it can call {@link #applyRange} and run
     * several passes over its elements while they are in cache. On one thread, or under two chunks'
     * worth, one call over everything.
     *
     * @param n the number of elements, at least 0
     * @param body called once per chunk with its half-open range of elements
     */
    public static void forWordRanges(int n, Parallel.RangeBody body) {
        Parallel.forRange((n + 63) >>> 6, SPLIT_WORDS, (w0, w1) -> body.run(w0 << 6, Math.min(n, w1 << 6)));
    }

    /**
     * {@link #apply} on elements {@code from … to−1} alone, on the calling thread: a block of a loop
     * that runs several passes over a block while it is in cache (dropout after ReLU, dropout into a
     * residual sum).
     *
     * @param in the input values
     * @param keep the keep bits, bit {@code i} for element {@code i}
     * @param scale the factor of a kept element
     * @param out receives the results {@code from … to−1}; may be {@code in} itself
     * @param from the first element, a multiple of 64
     * @param to one past the last element, at most the length of {@code in} and {@code out}
     */
    public static void applyRange(float[] in, long[] keep, float scale, float[] out, int from, int to) {
        if ((from & 63) != 0 || from < 0 || to < from || to > in.length || to > out.length || keep.length < (to + 63L) >>> 6) {
            throw new IllegalArgumentException("dropout of elements " + from + " to " + to + " (from a multiple of 64) with inputs of "
                    + in.length + ", outputs of " + out.length + " and " + keep.length + " keep words");
        }
        if (VECTOR) {
            VectorKeepBits.apply(in, keep, scale, out, from, to);
        } else {
            applyScalar(in, keep, scale, out, from, to);
        }
    }

    /**
     * SplitMix64's finaliser (Stafford's variant 13), as {@code SplittableRandom.nextLong} applies it:
     * a bijective mix of all 64 bits. The one scalar copy: {@code Rng} and attention dropout call it.
     *
     * @param z the value to mix
     * @return the mixed value
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The bits of draws {@code from … n−1}, whole words from {@code from} (a multiple of 64) on. */
    static void fillScalar(long seed, long gamma, long threshold, long[] keep, int from, int n) {
        long z = seed + gamma * from;
        for (int w = from >>> 6; w < keep.length; w++) {
            int count = Math.max(0, Math.min(64, n - (w << 6)));
            long bits = 0;
            for (int b = 0; b < count; b++) {
                z += gamma;
                bits |= ((mix64(z) >>> 11) >= threshold ? 1L : 0L) << b;
            }
            keep[w] = bits;
        }
    }

    /** {@link #apply} from element {@code from} on, branch-free: the product's bits are and-ed with 0 or −1. */
    static void applyScalar(float[] in, long[] keep, float scale, float[] out, int from, int n) {
        for (int i = from; i < n; i++) {
            int all = -((int) (keep[i >>> 6] >>> i) & 1);
            out[i] = Float.intBitsToFloat(Float.floatToRawIntBits(in[i] * scale) & all);
        }
    }

    /** The plain loops the tests compare with: one draw at a time, a branch per element. */
    public static final class Reference {
        private Reference() {}

        /**
         * The keep bits, one draw at a time.
         *
         * @param seed the stream's state
         * @param gamma the stream's increment
         * @param threshold the 53-bit threshold
         * @param n the number of draws
         * @return {@code ⌈n/64⌉} words of keep bits
         */
        public static long[] fill(long seed, long gamma, long threshold, int n) {
            long[] keep = new long[(n + 63) >>> 6];
            long z = seed;
            for (int i = 0; i < n; i++) {
                z += gamma;
                if ((mix64(z) >>> 11) >= threshold) {
                    keep[i >>> 6] |= 1L << i;
                }
            }
            return keep;
        }

        /**
         * Dropout applied with a branch per element.
         *
         * @param in the inputs
         * @param keep the keep bits
         * @param scale the factor of a kept element
         * @param n the element count
         * @return the {@code n} outputs
         */
        public static float[] apply(float[] in, long[] keep, float scale, int n) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (keep[i >>> 6] >>> i & 1) != 0 ? in[i] * scale : 0f;
            }
            return out;
        }
    }
}
