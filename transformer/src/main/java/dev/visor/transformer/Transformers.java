package dev.visor.transformer;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.visor.transformer.inject.TransformerModule;
import java.util.Objects;

/**
 * One-line entry points for users who do not care about Guice: each builds the model a config
 * describes from {@link TransformerModule}'s default bindings. Errors come out as the
 * {@link IllegalArgumentException} / {@link IllegalStateException} that caused them, not wrapped in
 * Guice's exceptions.
 *
 * <pre>{@code
 * EncoderDecoderTransformer model = Transformers.encoderDecoder(TransformerConfig.base(37000, 37000));
 * TransformerModel any = Transformers.create(TransformerConfig.load(Path.of("config.json")));
 * }</pre>
 */
public final class Transformers {
    private Transformers() {}

    /**
     * The model {@code config.architecture()} names.
     *
     * @param config the model configuration
     * @return the model {@code config.architecture()} names
     */
    public static TransformerModel create(TransformerConfig config) {
        return build(TransformerModel.class, config);
    }

    /**
     * An encoder-decoder model.
     *
     * @param config the model configuration
     * @return an encoder-decoder model
     */
    public static EncoderDecoderTransformer encoderDecoder(TransformerConfig config) {
        return build(EncoderDecoderTransformer.class, config);
    }

    /**
     * A decoder-only model.
     *
     * @param config the model configuration
     * @return a decoder-only model
     */
    public static DecoderOnlyTransformer decoderOnly(TransformerConfig config) {
        return build(DecoderOnlyTransformer.class, config);
    }

    /**
     * An encoder-only model.
     *
     * @param config the model configuration
     * @return an encoder-only model
     */
    public static EncoderOnlyTransformer encoderOnly(TransformerConfig config) {
        return build(EncoderOnlyTransformer.class, config);
    }

    /**
     * A model of type {@code type} from {@code modules} (which should include a {@link TransformerModule}).
     *
     * @param <T> the model's type
     * @param type the model's class, e.g. {@code EncoderDecoderTransformer.class}
     * @param modules the Guice modules, e.g. a {@link TransformerModule} and overrides of its parts
     * @return the model
     * @throws IllegalArgumentException (or IllegalStateException) from the model's parts, unwrapped from Guice's exceptions
     */
    public static <T> T build(Class<T> type, Module... modules) {
        try {
            return Guice.createInjector(modules).getInstance(type);
        } catch (ProvisionException e) {
            throw unwrap(e.getErrorMessages(), e);
        } catch (CreationException e) {
            throw unwrap(e.getErrorMessages(), e);
        } catch (ConfigurationException e) {
            throw unwrap(e.getErrorMessages(), e);
        }
    }

    private static <T> T build(Class<T> type, TransformerConfig config) {
        return build(type, new TransformerModule(Objects.requireNonNull(config, "config")));
    }

    private static RuntimeException unwrap(java.util.Collection<Message> messages, RuntimeException e) {
        for (Message m : messages) {
            Throwable cause = m.getCause();
            while (cause != null) {
                if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
                    return (RuntimeException) cause;
                }
                cause = cause.getCause();
            }
        }
        return e;
    }
}
