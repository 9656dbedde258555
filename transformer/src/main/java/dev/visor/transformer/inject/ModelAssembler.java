package dev.visor.transformer.inject;

import com.google.inject.Inject;
import dev.visor.attention.MaskCompiler;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import dev.visor.tensor.nn.Init;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.nn.Module;
import dev.visor.transformer.AttentionFactory;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.Decoder;
import dev.visor.transformer.DecoderLayer;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.Embeddings;
import dev.visor.transformer.Encoder;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.EncoderLayer;
import dev.visor.transformer.EncoderOnlyTransformer;
import dev.visor.transformer.FeedForwardFactory;
import dev.visor.transformer.InputEmbedding;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.Norm;
import dev.visor.transformer.NormFactory;
import dev.visor.transformer.PositionalEncodingFactory;
import dev.visor.transformer.Residual;
import dev.visor.transformer.SelfInitialising;
import dev.visor.transformer.SiteMasks;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a whole model from hyper-parameters and part factories — The Annotated Transformer's
 * {@code make_model}. Guice constructs it from the bindings of {@link TransformerModule}; it can as well
 * be constructed by hand. Weights are drawn from {@code Rng(config.seed())} in a fixed order, so a
 * config builds bit-identical models; after construction every matrix (every parameter with more than
 * one dimension) is re-initialised Xavier-uniform, as in The Annotated Transformer and
 * {@code nn.Transformer}, except those of parts that are {@link SelfInitialising} (a custom part
 * keeps the initialisation its factory gave it), and the padding rows of the embeddings are zeroed.
 *
 * <pre>{@code
 * ModelAssembler a = new ModelAssembler(cfg, cfg.masks(), MaskCompiler.load(), AttentionFactory.multiHead(AttentionKernel.FLASH),
 *         PositionwiseFeedForward.factory(), Norm::layerNorm, Residual.of(cfg.normPlacement()),
 *         PositionalEncodingFactory.fromConfig());
 * EncoderDecoderTransformer model = a.encoderDecoder();
 * }</pre>
 */
public final class ModelAssembler {
    private final TransformerConfig config;
    private final MaskPlan masks;
    private final MaskCompiler compiler;
    private final AttentionFactory attention;
    private final FeedForwardFactory feedForward;
    private final NormFactory norms;
    private final Residual residual;
    private final PositionalEncodingFactory positional;

    /**
     * @param masks the mask specs to build with (the config's, or the config's with sites overridden
     *              through bindings)
     * @param config the model configuration
     * @param compiler resolves the specs once and compiles them per forward (its registry and cache are the model's)
     * @param attention the multi-head attention (its parameters become this layer's)
     * @param feedForward the feed-forward network
     * @param norms how norms are made
     * @param residual the residual wiring
     * @param positional how positional encodings are made
     */
    @Inject
    public ModelAssembler(TransformerConfig config, MaskPlan masks, MaskCompiler compiler, AttentionFactory attention,
                          FeedForwardFactory feedForward, NormFactory norms, Residual residual, PositionalEncodingFactory positional) {
        this.config = Objects.requireNonNull(config, "config");
        this.masks = Objects.requireNonNull(masks, "masks");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.attention = Objects.requireNonNull(attention, "attention");
        this.feedForward = Objects.requireNonNull(feedForward, "feedForward");
        this.norms = Objects.requireNonNull(norms, "norms");
        this.residual = Objects.requireNonNull(residual, "residual");
        this.positional = Objects.requireNonNull(positional, "positional");
    }

    /**
     * The model the config's architecture names.
     *
     * @return the model the config's architecture names
     */
    public TransformerModel build() {
        return switch (config.architecture()) {
            case ENCODER_DECODER -> encoderDecoder();
            case DECODER_ONLY -> decoderOnly();
            case ENCODER_ONLY -> encoderOnly();
        };
    }

    /**
     * An encoder-decoder model; fails when the config describes another architecture.
     *
     * @return an encoder-decoder model; fails when the config describes another architecture
     */
    public EncoderDecoderTransformer encoderDecoder() {
        require(TransformerConfig.Architecture.ENCODER_DECODER);
        Rng rng = new Rng(config.seed());
        InputEmbedding src = input(config.srcVocabSize(), rng);
        InputEmbedding tgt = config.shareEmbeddings() ? src : input(config.tgtVocabSize(), rng);
        Encoder encoder = encoder(rng);
        Decoder decoder = decoder(rng, true);
        Linear generator = generator(tgt, config.tgtVocabSize(), rng);
        return initialise(new EncoderDecoderTransformer(config, encoder, decoder, src, tgt, generator), rng);
    }

    /**
     * A decoder-only model; fails when the config describes another architecture.
     *
     * @return a decoder-only model; fails when the config describes another architecture
     */
    public DecoderOnlyTransformer decoderOnly() {
        require(TransformerConfig.Architecture.DECODER_ONLY);
        Rng rng = new Rng(config.seed());
        InputEmbedding embed = input(config.tgtVocabSize(), rng);
        Decoder decoder = decoder(rng, false);
        Linear generator = generator(embed, config.tgtVocabSize(), rng);
        return initialise(new DecoderOnlyTransformer(config, embed, decoder, generator), rng);
    }

    /**
     * An encoder-only model; fails when the config describes another architecture.
     *
     * @return an encoder-only model; fails when the config describes another architecture
     */
    public EncoderOnlyTransformer encoderOnly() {
        require(TransformerConfig.Architecture.ENCODER_ONLY);
        Rng rng = new Rng(config.seed());
        InputEmbedding embed = input(config.srcVocabSize(), rng);
        Encoder encoder = encoder(rng);
        Linear generator = generator(embed, config.tgtVocabSize(), rng);
        return initialise(new EncoderOnlyTransformer(config, embed, encoder, generator), rng);
    }

    private void require(TransformerConfig.Architecture a) {
        if (config.architecture() != a) {
            throw new IllegalStateException("the config describes a " + config.architecture().key() + " model, not a " + a.key());
        }
    }

    private InputEmbedding input(int vocab, Rng rng) {
        Embeddings tokens = new Embeddings(vocab, config.dModel(), config.padId(), rng.split());
        return new InputEmbedding(tokens, positional.create(config, rng.split()), new Dropout(config.dropout(), rng.split()));
    }

    private Encoder encoder(Rng rng) {
        List<EncoderLayer> layers = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < config.encoderLayers(); i++) {
            layers.add(new EncoderLayer(attention.create(config, AttentionSite.ENCODER_SELF, i, rng.split()),
                    feedForward.create(config, rng.split()), norm(), norm(), dropout(rng), dropout(rng), residual));
            specs.add(masks.spec(AttentionSite.ENCODER_SELF, i));
        }
        return new Encoder(layers, norm(), SiteMasks.of(compiler, specs));
    }

    private Decoder decoder(Rng rng, boolean cross) {
        List<DecoderLayer> layers = new ArrayList<>();
        List<String> selfSpecs = new ArrayList<>();
        List<String> crossSpecs = new ArrayList<>();
        int sublayers = cross ? 3 : 2;
        for (int i = 0; i < config.decoderLayers(); i++) {
            Norm[] n = new Norm[sublayers];
            Dropout[] d = new Dropout[sublayers];
            for (int j = 0; j < sublayers; j++) {
                n[j] = norm();
                d[j] = dropout(rng);
            }
            layers.add(new DecoderLayer(attention.create(config, AttentionSite.DECODER_SELF, i, rng.split()),
                    cross ? attention.create(config, AttentionSite.CROSS, i, rng.split()) : null,
                    feedForward.create(config, rng.split()), n, d, residual));
            selfSpecs.add(masks.spec(AttentionSite.DECODER_SELF, i));
            crossSpecs.add(masks.spec(AttentionSite.CROSS, i));
        }
        return new Decoder(layers, norm(), SiteMasks.of(compiler, selfSpecs), SiteMasks.of(compiler, crossSpecs));
    }

    private Norm norm() {
        return norms.create(config.dModel(), config.normEps());
    }

    private Dropout dropout(Rng rng) {
        return new Dropout(config.dropout(), rng.split());
    }

    private Linear generator(InputEmbedding embed, int vocab, Rng rng) {
        if (config.tieWeights()) {
            return new Linear(embed.embeddings().weight(), Tensor.zeros(vocab));
        }
        return new Linear(config.dModel(), vocab, rng.split());
    }

    private <M extends Module> M initialise(M model, Rng rng) {
        Rng init = rng.split();
        Set<Tensor> own = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : model.namedModules().values()) {
            if (m instanceof SelfInitialising) {
                own.addAll(m.namedParameters().values());
            }
        }
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            // a self-initialising part keeps its values; a model without such parts is initialised as before
            // as do score-modifier tables, which their modifier initialises (relative_bias: zeros, an unbiased start)
            boolean scoreTable = e.getKey().endsWith("." + MultiHeadAttention.SCORE_PARAMETERS);
            if (e.getValue().dim() > 1 && !own.contains(e.getValue()) && !scoreTable) {
                Init.xavierUniform(e.getValue(), 1.0, init);
            }
        }
        for (Module m : model.namedModules().values()) {
            if (m instanceof InputEmbedding in) {
                in.embeddings().zeroPadRow();
            }
        }
        return model;
    }
}
