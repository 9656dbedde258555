package dev.visor.transformer;

/**
 * What every model of this package shares: its configuration. The three architectures are
 * {@link EncoderDecoderTransformer}, {@link DecoderOnlyTransformer} and {@link EncoderOnlyTransformer};
 * {@link Transformers#create} builds the one a config names.
 */
public abstract class TransformerModel extends Composite {
    private final TransformerConfig config;

    /**
     * A model described by {@code config}.
     *
     * @param config the model configuration
     */
    protected TransformerModel(TransformerConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    /**
     * The configuration the model was built from.
     *
     * @return the configuration the model was built from
     */
    public final TransformerConfig config() {
        return config;
    }
}
