package dev.visor.tensor;

import dev.visor.tensor.kernel.KeepBits;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A seeded, splittable random source for initialisation, dropout and sampling.
 *
 * <p>SplitMix64, draw for draw the sequence of {@link java.util.SplittableRandom} with the same seed
 * (and of its {@code split()}), kept here rather than wrapped so that {@link #keepBits} can draw many
 * values at once in vector lanes ({@code RngTest} compares every method with {@code SplittableRandom});
 * its output is specified and therefore the same on every JDK. Normal variates use the Box–Muller transform evaluated with
 * {@link StrictMath}, so a seed gives bit-identical tensors on every platform. Not thread-safe: give
 * each thread its own via {@link #split()}, or draw through {@link #onThisThread()} inside a
 * {@link #deriveStreams(long)} scope.
 *
 * <p><b>Derived streams.</b> A module keeps its generator (a dropout layer's, say), but a data-parallel
 * training step runs the same module on several threads at once. Inside
 * {@code Rng.deriveStreams(seed)} on a thread, {@link #onThisThread()} returns, for each generator, a
 * stream of that thread's own, seeded from the scope's seed and the generator's <i>tag</i> (its
 * construction seed, or its parent's tag and split index), so the draws depend only on the seeds and
 * the order of draws on that thread, never on how the threads interleave; the generator itself is not
 * advanced. Outside a scope {@code onThisThread()} is the generator itself.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Tensor w = Tensor.randn(rng, 512, 512);
 * }</pre>
 */
public final class Rng {
    private static final ThreadLocal<Streams> DERIVED = new ThreadLocal<>();

    /** SplitMix64's golden gamma, {@code SplittableRandom}'s for a seeded generator. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long seed;
    private final long gamma;
    private final long tag;
    private long splits;
    private double spareNormal;
    private boolean hasSpare;

    /**
     * A source whose whole sequence is fixed by {@code seed}, on every JDK.
     *
     * @param seed any value; equal seeds give bit-identical draws
     */
    public Rng(long seed) {
        this(seed, GOLDEN_GAMMA, seed);
    }

    private Rng(long seed, long gamma, long tag) {
        this.seed = seed;
        this.gamma = gamma;
        this.tag = tag;
    }

    /**
     * A new generator whose stream is independent of this one's.
     *
     * @return a new generator whose stream is independent of this one's
     */
    public Rng split() {
        long childSeed = nextLong();
        long childGamma = mixGamma(nextSeed());
        return new Rng(childSeed, childGamma, mix(tag + GOLDEN_GAMMA * ++splits));
    }

    /**
     * The generator to draw from on the calling thread: this one, or inside a
     * {@link #deriveStreams(long)} scope this generator's stream of that scope (made on first use, then
     * continued), which leaves this generator untouched.
     *
     * @return this generator outside a scope; otherwise the scope's stream for it, confined to this thread
     */
    public Rng onThisThread() {
        Streams streams = DERIVED.get();
        if (streams == null) {
            return this;
        }
        return streams.byOwner.computeIfAbsent(this, r -> new Rng(mix(r.tag ^ mix(streams.seed))));
    }

    /** A scope's seed and the streams made in it so far. */
    private record Streams(long seed, Map<Rng, Rng> byOwner) {}

    /**
     * Until the returned scope is closed, {@link #onThisThread()} on this thread gives every generator
     * a stream derived from {@code seed} and the generator's tag (see the class comment). Scopes do not
     * nest: a data-parallel step opens one per shard on the shard's thread.
     *
     * @param seed the scope's seed (e.g. mixed from the step and the shard); equal seeds give equal streams
     * @return the scope; close it on the same thread to return to the generators' own streams
     * @throws IllegalStateException when a scope is already open on this thread
     */
    public static Scope deriveStreams(long seed) {
        if (DERIVED.get() != null) {
            throw new IllegalStateException("Rng.deriveStreams: a scope is already open on thread " + Thread.currentThread().getName());
        }
        DERIVED.set(new Streams(seed, new IdentityHashMap<>()));
        return DERIVED::remove;
    }

    /** Closes a {@link #deriveStreams(long)} scope. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * A seed mixed from three values (e.g. a run's seed, a step and a shard), for {@link #deriveStreams}
     * or {@link #Rng(long)}: different triples give unrelated seeds.
     *
     * @param a the first value
     * @param b the second value
     * @param c the third value
     * @return a well-mixed 64-bit seed, a pure function of the three
     */
    public static long mixSeeds(long a, long b, long c) {
        return mix(mix(mix(a) + b) + c);
    }

    /** SplitMix64's finaliser: a bijective mix of all 64 bits ({@link KeepBits#mix64}). */
    static long mix(long z) {
        return KeepBits.mix64(z);
    }

    /** {@code SplittableRandom}'s 32-bit mix (Stafford's variant 4, high half). */
    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62A9D9ED799705F5L;
        return (int) (((z ^ (z >>> 28)) * 0xCB24D0A5C88C35B3L) >>> 32);
    }

    /** {@code SplittableRandom}'s gamma of a split generator: MurmurHash3's mix, odd, with enough bit transitions. */
    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        z = (z ^ (z >>> 33)) | 1L;
        int n = Long.bitCount(z ^ (z >>> 1));
        return n < 24 ? z ^ 0xAAAAAAAAAAAAAAAAL : z;
    }

    private long nextSeed() {
        return seed += gamma;
    }

    /**
     * Uniform in [0, 1).
     *
     * @return uniform in [0, 1)
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1p-53;
    }

    /**
     * Uniform in [0, bound).
     *
     * @param bound the bound
     * @return uniform in [0, bound)
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive but got " + bound);
        }
        int m = bound - 1;
        int r = mix32(nextSeed());
        if ((bound & m) == 0) {
            return r & m;
        }
        // reject the over-represented values, as SplittableRandom does
        for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = mix32(nextSeed()) >>> 1) {
            // draw again
        }
        return r;
    }

    /**
     * A uniform 64-bit value, e.g. to seed another generator.
     *
     * @return any {@code long}, every value equally likely
     */
    public long nextLong() {
        return mix(nextSeed());
    }

    /**
     * Draws {@code n} values and returns which of them {@link #nextDouble()} would have put at or
     * above {@code p}: bit {@code i % 64} of word {@code i / 64} is {@code nextDouble() >= p} for the
     * {@code i}-th draw, and the generator is left as {@code n} calls of {@code nextDouble()} leave it.
     * The bits are computed several draws at a time ({@link KeepBits}); the decision is made on the
     * 53-bit integer {@code nextDouble()} is built from, so it is exact.
     *
     * @param n the number of draws, at least 0
     * @param p the threshold, in [0, 1]
     * @return {@code ⌈n/64⌉} words of keep bits (the bits past {@code n} are 0)
     */
    public long[] keepBits(int n, double p) {
        if (n < 0) {
            throw new IllegalArgumentException("keepBits needs n >= 0 and p in [0, 1] but got n=" + n + ", p=" + p);
        }
        return keepBits(n, p, new long[(n + 63) >>> 6]);
    }

    /**
     * As {@link #keepBits(int, double)}, into {@code keep} (for a reused array: every word is written).
     *
     * @param n the number of draws, at least 0
     * @param p the threshold, in [0, 1]
     * @param keep exactly {@code ⌈n/64⌉} words, any contents
     * @return {@code keep}
     */
    public long[] keepBits(int n, double p, long[] keep) {
        if (n < 0 || !(p >= 0 && p <= 1) || keep.length != (n + 63) >>> 6) {
            throw new IllegalArgumentException("keepBits needs n >= 0, p in [0, 1] and ceil(n/64) words but got n=" + n
                    + ", p=" + p + ", " + keep.length + " words");
        }
        // x ≥ p·2⁵³ for an integer x < 2⁵³ is x ≥ ⌈p·2⁵³⌉ (both exact)
        KeepBits.fill(seed, gamma, (long) Math.ceil(p * 0x1p53), keep, n);
        seed += gamma * n;
        return keep;
    }

    /**
     * Standard normal N(0, 1), by Box–Muller.
     *
     * @return standard normal N(0, 1), by Box–Muller
     */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareNormal;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0.0);
        double u2 = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double theta = 2.0 * StrictMath.PI * u2;
        spareNormal = r * StrictMath.sin(theta);
        hasSpare = true;
        return r * StrictMath.cos(theta);
    }
}
