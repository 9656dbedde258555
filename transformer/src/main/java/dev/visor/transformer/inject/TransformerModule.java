package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.EncoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.util.Objects;

/**
 * Everything a Transformer is made of, bound for Guice: the config, the mask registry and each site's
 * mask ({@link MaskModule}), the attention kernel and attention ({@link AttentionModule}), the
 * feed-forward network, norm, norm placement and positional encoding ({@link PartsModule}), and the
 * models themselves, built by {@link ModelAssembler}. Every part is an {@code OptionalBinder} default,
 * so a user swaps one with a binding of their own, or with {@code Modules.override}:
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(Modules.override(new TransformerModule(cfg)).with(new AbstractModule() {
 *     @Override protected void configure() {
 *         bind(NormFactory.class).toInstance(Norm::rms);
 *         bind(Residual.class).toInstance(Residual.PRE_NORM);
 *     }
 * }));
 * EncoderDecoderTransformer model = injector.getInstance(EncoderDecoderTransformer.class);
 * }</pre>
 *
 * Each {@code getInstance} of a model builds a new one (from the same seed, so with the same weights).
 */
public final class TransformerModule extends AbstractModule {
    private final TransformerConfig config;

    /**
     * Binds a Transformer described by {@code config}.
     *
     * @param config the model configuration
     */
    public TransformerModule(TransformerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(TransformerConfig.class).toInstance(config);
        install(new MaskModule(config));
        install(new AttentionModule());
        install(new PartsModule(config));
    }

    @Provides
    TransformerModel model(ModelAssembler assembler) {
        return assembler.build();
    }

    @Provides
    EncoderDecoderTransformer encoderDecoder(ModelAssembler assembler) {
        return assembler.encoderDecoder();
    }

    @Provides
    DecoderOnlyTransformer decoderOnly(ModelAssembler assembler) {
        return assembler.decoderOnly();
    }

    @Provides
    EncoderOnlyTransformer encoderOnly(ModelAssembler assembler) {
        return assembler.encoderOnly();
    }
}
