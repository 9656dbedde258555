package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.transformer.FeedForwardFactory;
import dev.visor.transformer.Norm;
import dev.visor.transformer.NormFactory;
import dev.visor.transformer.PositionalEncodingFactory;
import dev.visor.transformer.PositionwiseFeedForward;
import dev.visor.transformer.Residual;
import dev.visor.transformer.TransformerConfig;
import java.util.Objects;

/**
 * Binds the non-attention parts as {@link OptionalBinder} defaults: the feed-forward network
 * ({@link PositionwiseFeedForward}), the norm (layer norm), the norm placement (the config's, as a
 * {@link Residual}) and the positional encoding (the config's kind).
 *
 * <pre>{@code
 * OptionalBinder.newOptionalBinder(binder(), NormFactory.class).setBinding().toInstance(Norm::rms);
 * OptionalBinder.newOptionalBinder(binder(), Residual.class).setBinding().toInstance(Residual.PRE_NORM);
 * }</pre>
 */
public final class PartsModule extends AbstractModule {
    private final TransformerConfig config;

    /**
     * Defaults from {@code config}.
     *
     * @param config the model configuration
     */
    public PartsModule(TransformerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), FeedForwardFactory.class).setDefault()
                .toInstance(PositionwiseFeedForward.factory());
        OptionalBinder.newOptionalBinder(binder(), NormFactory.class).setDefault().toInstance(Norm::layerNorm);
        OptionalBinder.newOptionalBinder(binder(), Residual.class).setDefault().toInstance(Residual.of(config.normPlacement()));
        OptionalBinder.newOptionalBinder(binder(), PositionalEncodingFactory.class).setDefault()
                .toInstance(PositionalEncodingFactory.fromConfig());
    }
}
