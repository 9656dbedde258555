package dev.visor.transformer;

import dev.visor.tensor.Rng;

/**
 * Makes a model's positional encodings (one per embedded stream): what is <em>added to the
 * embeddings</em> before the first layer (sinusoids, a learned table, or nothing); bind one to replace
 * the configured kind. Rotary embeddings and ALiBi cannot be bound here — they act inside attention,
 * on queries and keys or on scores, at every layer — so they are given as score specs of the attention
 * sites ({@link TransformerConfig#scores()}, e.g. {@code "rope"} or {@code "alibi"}), usually with
 * {@link TransformerConfig.Positional#NONE} here.
 */
@FunctionalInterface
public interface PositionalEncodingFactory {
    /**
     * A fresh positional encoding for a model described by {@code config}.
     *
     * @param config the model configuration
     * @param rng the random source
     * @return a fresh positional encoding for a model described by {@code config}
     */
    PositionalEncoding create(TransformerConfig config, Rng rng);

    /**
     * The kind {@link TransformerConfig#positional()} names.
     *
     * @return the kind {@link TransformerConfig#positional()} names
     */
    static PositionalEncodingFactory fromConfig() {
        return (cfg, rng) -> switch (cfg.positional()) {
            case SINUSOIDAL -> PositionalEncoding.sinusoidal(cfg.dModel(), cfg.maxLength());
            case LEARNED -> PositionalEncoding.learned(cfg.dModel(), cfg.maxLength(), rng);
            case NONE -> PositionalEncoding.none(cfg.dModel(), cfg.maxLength());
        };
    }
}
