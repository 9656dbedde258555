package dev.visor.examples;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.util.Modules;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.Norm;
import dev.visor.transformer.NormFactory;
import dev.visor.transformer.Residual;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.inject.MaskModule;
import dev.visor.transformer.inject.TransformerModule;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Assembling a custom Transformer without forking: start from {@link TransformerModule}'s bindings
 * for a config and override three parts with Guice — RMS norm instead of layer norm, norm first
 * ("pre-norm", as opposed to the paper's post-norm), and a sliding-window mask for decoder
 * self-attention — plus the reference attention kernel that materialises the scores.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp examples/target/visor.jar dev.visor.examples.CustomTransformerExample
 * }</pre>
 */
public final class CustomTransformerExample {
    private CustomTransformerExample() {}

    /** The decoder self-attention mask this example binds. */
    public static final String WINDOWED = "causal & padding & sliding_window(left=3)";

    /**
     * Builds the model and runs it once.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        build(out);
        out.flush();
    }

    /**
     * Builds the customised model and runs a forward pass.
     *
     * @param out where to describe it
     * @return the model
     */
    public static EncoderDecoderTransformer build(PrintWriter out) {
        TransformerConfig config = TransformerConfig.tiny(12);
        Injector injector = Guice.createInjector(Modules.override(new TransformerModule(config)).with(new AbstractModule() {
            @Override
            protected void configure() {
                bind(NormFactory.class).toInstance(Norm::rms);                     // RMSNorm (Zhang & Sennrich, 2019)
                bind(Residual.class).toInstance(Residual.PRE_NORM);               // x + f(norm(x))
                OptionalBinder.newOptionalBinder(binder(), MaskModule.siteKey(AttentionSite.DECODER_SELF))
                        .setBinding().toInstance(WINDOWED);
                OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class)
                        .setBinding().toInstance(AttentionKernel.REFERENCE);
            }
        }));
        EncoderDecoderTransformer model = injector.getInstance(EncoderDecoderTransformer.class);
        out.println("decoder self-attention masks by layer: " + model.decoder().selfSpecs());
        TokenBatch src = TokenBatch.of(new int[][] {{5, 6, 7, 8, 2}}, config.padId());
        TokenBatch tgt = TokenBatch.of(new int[][] {{1, 8, 7, 6, 5}}, config.padId());
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor logits = model.forward(src, tgt);                              // (1, 5, 12)
            out.println("logits " + Arrays.toString(logits.shape()) + " from a model with "
                    + model.parameters().stream().mapToLong(Tensor::numel).sum() + " parameters");
        }
        return model;
    }
}
