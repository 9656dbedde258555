package dev.visor.transformer;

import dev.visor.tensor.Rng;

/**
 * Makes a model's positional encodings (one per embedded stream); bind one to replace the
 * configured kind (e.g. with a rotary or ALiBi variant that adds nothing here).
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
        };
    }
}
