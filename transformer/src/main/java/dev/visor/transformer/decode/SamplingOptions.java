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
    /** Checks the ranges. */
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

    /** Plain sampling from the model's distribution with {@code seed}. */
    public static SamplingOptions of(long seed) {
        return new SamplingOptions(1.0, 0, 1.0, seed);
    }

    /** These options with another temperature. */
    public SamplingOptions withTemperature(double t) {
        return new SamplingOptions(t, topK, topP, seed);
    }

    /** These options with another top-k. */
    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k, topP, seed);
    }

    /** These options with another top-p. */
    public SamplingOptions withTopP(double p) {
        return new SamplingOptions(temperature, topK, p, seed);
    }
}
