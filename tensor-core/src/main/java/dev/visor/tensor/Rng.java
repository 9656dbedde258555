package dev.visor.tensor;

import java.util.SplittableRandom;

/**
 * A seeded, splittable random source for initialisation, dropout and sampling.
 *
 * <p>Backed by {@link SplittableRandom} (SplitMix64, whose output is specified and therefore the
 * same on every JDK); normal variates use the Box–Muller transform evaluated with
 * {@link StrictMath}, so a seed gives bit-identical tensors on every platform. Not thread-safe: give
 * each thread its own via {@link #split()}.
 *
 * <pre>{@code
 * Rng rng = new Rng(42);
 * Tensor w = Tensor.randn(rng, 512, 512);
 * }</pre>
 */
public final class Rng {
    private final SplittableRandom random;
    private double spareNormal;
    private boolean hasSpare;

    /**
     * A source whose whole sequence is fixed by {@code seed}, on every JDK.
     *
     * @param seed any value; equal seeds give bit-identical draws
     */
    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private Rng(SplittableRandom random) {
        this.random = random;
    }

    /**
     * A new generator whose stream is independent of this one's.
     *
     * @return a new generator whose stream is independent of this one's
     */
    public Rng split() {
        return new Rng(random.split());
    }

    /**
     * Uniform in [0, 1).
     *
     * @return uniform in [0, 1)
     */
    public double nextDouble() {
        return random.nextDouble();
    }

    /**
     * Uniform in [0, bound).
     *
     * @param bound the bound
     * @return uniform in [0, bound)
     */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /**
     * A uniform 64-bit value, e.g. to seed another generator.
     *
     * @return any {@code long}, every value equally likely
     */
    public long nextLong() {
        return random.nextLong();
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
            u1 = random.nextDouble();
        } while (u1 == 0.0);
        double u2 = random.nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double theta = 2.0 * StrictMath.PI * u2;
        spareNormal = r * StrictMath.sin(theta);
        hasSpare = true;
        return r * StrictMath.cos(theta);
    }
}
