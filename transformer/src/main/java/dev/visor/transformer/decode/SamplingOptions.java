package dev.visor.transformer.decode;

/**
 * How {@link Sampler} draws each token: the logits are divided by {@code temperature}, then only the
 * {@code topK} most probable tokens are kept (0 keeps all; Fan et al., 2018), then only the smallest
 * set of most probable tokens whose probability reaches {@code topP} (1 keeps all; nucleus sampling,
 * Holtzman et al., 2020), and the token is drawn from what is left, renormalised.
 *
 * <pre>{@code
 * SamplingOptions opts = SamplingOptions.of(42).withTemperature(0.8).withTopK(40).withTopP(0.95);
 * }</pre>
 *
 * @param temperature &gt; 0; below 1 sharpens, above 1 flattens
 * @param topK        ≥ 0; 0 disables
 * @param topP        in (0, 1]; 1 disables
 * @param seed        the draws are a function of the seed
 */
public record SamplingOptions(double temperature, int topK, double topP, long seed) {
    /**
     * Checks the ranges.
     *
     * @param temperature finite and greater than 0
     * @param topK        at least 0
     * @param topP        in {@code (0, 1]}
     * @param seed        any value
     * @throws IllegalArgumentException naming the value outside its range
     */
    public SamplingOptions {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0 but got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 disables it) but got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 disables it) but got " + topP);
        }
    }

    /**
     * Plain sampling from the model's distribution with {@code seed}.
     *
     * @param seed fixes the draws: equal seeds and models give equal outputs
     * @return temperature 1, no top-k and no top-p
     */
    public static SamplingOptions of(long seed) {
        return new SamplingOptions(1.0, 0, 1.0, seed);
    }

    /**
     * These options with another temperature.
     *
     * @param t the divisor of the logits, finite and greater than 0 (below 1 sharpens, above 1 flattens)
     * @return a copy with the new temperature
     */
    public SamplingOptions withTemperature(double t) {
        return new SamplingOptions(t, topK, topP, seed);
    }

    /**
     * These options with another top-k.
     *
     * @param k how many most probable tokens to keep, at least 0 (0 keeps all)
     * @return a copy with the new top-k
     */
    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k, topP, seed);
    }

    /**
     * These options with another top-p.
     *
     * @param p the probability mass of the nucleus, in {@code (0, 1]} (1 keeps all)
     * @return a copy with the new top-p
     */
    public SamplingOptions withTopP(double p) {
        return new SamplingOptions(temperature, topK, p, seed);
    }
}
