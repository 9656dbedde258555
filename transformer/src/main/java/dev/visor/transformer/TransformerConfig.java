package dev.visor.transformer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Every hyper-parameter of a Transformer, validated on construction so that an impossible model
 * cannot be described: {@code d_model} must split evenly into {@code heads}, {@code heads} into
 * key/value heads, token ids must lie in their vocabulary, and so on, each failure naming the values.
 *
 * <p>Presets: {@link #tiny}, {@link #small} and {@link #base} (the base model of Vaswani et al.,
 * 2017, Table 3: {@code N = 6}, {@code d_model = 512}, {@code d_ff = 2048}, {@code h = 8},
 * {@code P_drop = 0.1}). Change any field with {@link #toBuilder()}:
 *
 * <pre>{@code
 * TransformerConfig cfg = TransformerConfig.tiny(16).toBuilder()
 *         .normPlacement(NormPlacement.PRE)
 *         .masks(MaskPlan.defaults().withLayers(AttentionSite.DECODER_SELF, "causal & sliding_window(left=4)", 1))
 *         .build();
 * cfg.save(Path.of("config.json"));
 * TransformerConfig same = TransformerConfig.load(Path.of("config.json"));   // equal to cfg
 * }</pre>
 *
 * @param architecture     encoder-decoder, decoder-only or encoder-only
 * @param srcVocabSize     source vocabulary (the encoder's); for a decoder-only model equal to the target's
 * @param tgtVocabSize     target vocabulary (the decoder's and the generator's); for an encoder-only model the
 *                         number of classes of its per-token head (the vocabulary for a masked LM)
 * @param dModel           model width {@code d_model}
 * @param heads            attention (query) heads {@code h}
 * @param kvHeads          key/value heads; {@code heads} for standard multi-head attention, fewer for
 *                         grouped-query attention
 * @param encoderLayers    encoder layers ({@code N}); 0 for decoder-only
 * @param decoderLayers    decoder layers; 0 for encoder-only
 * @param dFF              inner width of the position-wise feed-forward network {@code d_ff}
 * @param dropout          residual, embedding and feed-forward dropout {@code P_drop}
 * @param attentionDropout dropout on the attention weights
 * @param activation       the feed-forward activation
 * @param normPlacement    post-norm (the paper) or pre-norm
 * @param normEps          the layer-norm epsilon
 * @param positional       sinusoidal (the paper) or learned positional encoding
 * @param maxLength        the longest sequence (positions 0 .. maxLength−1)
 * @param tieWeights       share the generator's weight with the target embedding (§3.4)
 * @param shareEmbeddings  share the source and target embeddings (encoder-decoder with one vocabulary)
 * @param padId            the padding token
 * @param bosId            the begin-of-sequence token decoding starts from (not checked for encoder-only)
 * @param eosId            the end-of-sequence token decoding stops at (not checked for encoder-only)
 * @param masks            the mask spec of every attention site, with per-layer overrides
 * @param scores           the score spec of every attention site ({@code rope}, score modifiers), with per-layer
 *                         overrides; {@code none} everywhere by default and in configs written without it
 * @param seed             the seed of the initial weights
 */
public record TransformerConfig(
        Architecture architecture,
        int srcVocabSize,
        int tgtVocabSize,
        int dModel,
        int heads,
        int kvHeads,
        int encoderLayers,
        int decoderLayers,
        int dFF,
        double dropout,
        double attentionDropout,
        Activation activation,
        NormPlacement normPlacement,
        double normEps,
        Positional positional,
        int maxLength,
        boolean tieWeights,
        boolean shareEmbeddings,
        int padId,
        int bosId,
        int eosId,
        MaskPlan masks,
        ScorePlan scores,
        long seed) {

    /** Which stacks the model has. */
    public enum Architecture {
        /** Encoder and decoder with cross-attention (Vaswani et al., 2017). */
        ENCODER_DECODER("encoder_decoder"),
        /** A decoder without cross-attention: a GPT-style language model. */
        DECODER_ONLY("decoder_only"),
        /** An encoder with a per-token head: BERT-style token classification or masked LM. */
        ENCODER_ONLY("encoder_only");

        private final String key;

        Architecture(String key) {
            this.key = key;
        }

        /**
         * The JSON name of this value.
         *
         * @return the snake_case string configs and the CLI use, e.g. {@code encoder_decoder}
         */
        public String key() {
            return key;
        }
    }

    /** The activation inside the feed-forward network. */
    public enum Activation {
        /** {@code max(0, x)}, the paper's (eq. 2). */
        RELU("relu"),
        /** The exact GELU {@code x·Φ(x)} (BERT, GPT-2 uses the tanh approximation). */
        GELU("gelu");

        private final String key;

        Activation(String key) {
            this.key = key;
        }

        /**
         * The JSON name of this value.
         *
         * @return the lower-case string configs and the CLI use, e.g. {@code relu}
         */
        public String key() {
            return key;
        }
    }

    /** Where each sub-layer's normalisation sits relative to its residual connection. */
    public enum NormPlacement {
        /** {@code LayerNorm(x + Sublayer(x))}, the paper's (§5.4). */
        POST("post"),
        /** {@code x + Sublayer(LayerNorm(x))}: norm first, as opposed to last (Xiong et al., 2020). */
        PRE("pre");

        private final String key;

        NormPlacement(String key) {
            this.key = key;
        }

        /**
         * The JSON name of this value.
         *
         * @return the lower-case string configs and the CLI use, e.g. {@code pre}
         */
        public String key() {
            return key;
        }
    }

    /** How positions enter the model. */
    public enum Positional {
        /** The fixed sinusoids of §3.5. */
        SINUSOIDAL("sinusoidal"),
        /** A learned table of {@code maxLength} vectors (BERT, GPT-2). */
        LEARNED("learned"),
        /**
         * Nothing added to the embeddings: positions enter through the attention sites' score specs
         * instead ({@code rope}, {@code alibi}, {@code relative_bias}), see {@link ScorePlan}.
         */
        NONE("none");

        private final String key;

        Positional(String key) {
            this.key = key;
        }

        /**
         * The JSON name of this value.
         *
         * @return the lower-case string configs and the CLI use, e.g. {@code sinusoidal}
         */
        public String key() {
            return key;
        }
    }

    /**
     * Validates every field and every combination; the meaning of each field is in the class
     * documentation, the ranges accepted are these.
     *
     * @param architecture     which stacks exist; not null
     * @param srcVocabSize     at least 1; equal to {@code tgtVocabSize} for decoder-only models and when
     *                         {@code shareEmbeddings}
     * @param tgtVocabSize     at least 1
     * @param dModel           at least 1 and a multiple of {@code heads}
     * @param heads            at least 1 and a multiple of {@code kvHeads}
     * @param kvHeads          at least 1, dividing {@code heads}
     * @param encoderLayers    at least 1 when the architecture has an encoder, exactly 0 otherwise
     * @param decoderLayers    at least 1 when the architecture has a decoder, exactly 0 otherwise
     * @param dFF              at least 1
     * @param dropout          a probability in {@code [0, 1)}
     * @param attentionDropout a probability in {@code [0, 1)}
     * @param activation       not null
     * @param normPlacement    not null
     * @param normEps          finite and greater than 0
     * @param positional       not null
     * @param maxLength        at least 1
     * @param tieWeights       for an encoder-only model only possible when the two vocabularies are equal
     * @param shareEmbeddings  only possible for an encoder-decoder model with one vocabulary
     * @param padId            in {@code [0, min(srcVocabSize, tgtVocabSize))} ({@code [0, srcVocabSize)} for
     *                         encoder-only)
     * @param bosId            in {@code [0, tgtVocabSize)} and different from {@code padId} (unchecked for
     *                         encoder-only)
     * @param eosId            in {@code [0, tgtVocabSize)} and different from {@code padId} (unchecked for
     *                         encoder-only)
     * @param masks            not null; its per-layer overrides must name layers the stacks have
     * @param scores           not null; its per-layer overrides must name layers the stacks have, and
     *                         cross-attention has no {@code rope} (its keys share no position axis with its queries)
     * @param seed             any value
     * @throws IllegalArgumentException naming the JSON keys and values of the first violated range
     */
    public TransformerConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(normPlacement, "normPlacement");
        Objects.requireNonNull(positional, "positional");
        Objects.requireNonNull(masks, "masks");
        Objects.requireNonNull(scores, "scores");
        ConfigChecks.dimensions(srcVocabSize, tgtVocabSize, dModel, heads, kvHeads, dFF, maxLength);
        ConfigChecks.layers(architecture, encoderLayers, decoderLayers);
        ConfigChecks.vocabularies(architecture, srcVocabSize, tgtVocabSize, tieWeights, shareEmbeddings);
        ConfigChecks.regularisation(dropout, attentionDropout, normEps);
        ConfigChecks.tokens(architecture, srcVocabSize, tgtVocabSize, padId, bosId, eosId);
        masks.checkLayers(AttentionSite.ENCODER_SELF, encoderLayers, architecture.key());
        masks.checkLayers(AttentionSite.DECODER_SELF, decoderLayers, architecture.key());
        masks.checkLayers(AttentionSite.CROSS, architecture == Architecture.ENCODER_DECODER ? decoderLayers : 0,
                architecture.key());
        ConfigChecks.scores(scores, architecture, encoderLayers, decoderLayers);
    }

    // ------------------------------------------------------------------ presets

    /**
     * A model for tests and demos that trains in seconds: {@code d_model 32}, 4 heads, 2 + 2 layers,
     * {@code d_ff 64}, no dropout, sequences up to 64.
     *
     * @param vocabSize the one vocabulary of source and target, at least 3 (pad 0, bos 1, eos 2)
     * @return an encoder-decoder configuration with the paper's post-norm, ReLU and sinusoids
     */
    public static TransformerConfig tiny(int vocabSize) {
        return preset(vocabSize, vocabSize, 32, 4, 2, 64, 0.0, 64);
    }

    /**
     * A model that trains on a laptop CPU: {@code d_model 256}, 4 heads, 3 + 3 layers,
     * {@code d_ff 1024}, dropout 0.1, sequences up to 512.
     *
     * @param vocabSize the one vocabulary of source and target, at least 3 (pad 0, bos 1, eos 2)
     * @return an encoder-decoder configuration with the paper's post-norm, ReLU and sinusoids
     */
    public static TransformerConfig small(int vocabSize) {
        return preset(vocabSize, vocabSize, 256, 4, 3, 1024, 0.1, 512);
    }

    /**
     * The base model of "Attention Is All You Need" (Table 3): {@code d_model 512}, 8 heads,
     * 6 + 6 layers, {@code d_ff 2048}, dropout 0.1, post-norm, ReLU, sinusoidal positions, sequences up
     * to 1024.
     *
     * @param srcVocabSize the source vocabulary, at least 3 (pad 0 must lie in both)
     * @param tgtVocabSize the target vocabulary, at least 3 (pad 0, bos 1, eos 2)
     * @return the encoder-decoder configuration of the paper's base model
     */
    public static TransformerConfig base(int srcVocabSize, int tgtVocabSize) {
        return preset(srcVocabSize, tgtVocabSize, 512, 8, 6, 2048, 0.1, 1024);
    }

    private static TransformerConfig preset(int srcVocab, int tgtVocab, int dModel, int heads, int layers, int dFF,
                                            double dropout, int maxLength) {
        return new TransformerConfig(Architecture.ENCODER_DECODER, srcVocab, tgtVocab, dModel, heads, heads, layers, layers,
                dFF, dropout, dropout, Activation.RELU, NormPlacement.POST, 1e-5, Positional.SINUSOIDAL, maxLength, false,
                false, 0, 1, 2, MaskPlan.defaults(), ScorePlan.defaults(), 0L);
    }

    /**
     * The named preset ({@code tiny}, {@code small} or {@code base}) with one vocabulary.
     *
     * @param name the preset's name as the CLI and configs spell it: {@code tiny}, {@code small} or
     *             {@code base}; not null
     * @param vocabSize the one vocabulary of source and target, at least 3
     * @return the same configuration as {@link #tiny}, {@link #small} or {@link #base} give
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static TransformerConfig preset(String name, int vocabSize) {
        return switch (Objects.requireNonNull(name, "name")) {
            case "tiny" -> tiny(vocabSize);
            case "small" -> small(vocabSize);
            case "base" -> base(vocabSize, vocabSize);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; expected one of [tiny, small, base]");
        };
    }

    /**
     * This configuration as a decoder-only language model with {@code max(encoder, decoder)} layers.
     *
     * @return a configuration with the target vocabulary as its one vocabulary, no embedding sharing,
     *         and the encoder and cross-attention mask overrides dropped
     */
    public TransformerConfig decoderOnly() {
        return toBuilder().architecture(Architecture.DECODER_ONLY).encoderLayers(0)
                .decoderLayers(Math.max(encoderLayers, decoderLayers)).srcVocabSize(tgtVocabSize).shareEmbeddings(false)
                .masks(masks.withoutOverrides(AttentionSite.ENCODER_SELF).withoutOverrides(AttentionSite.CROSS))
                .scores(scores.withoutOverrides(AttentionSite.ENCODER_SELF).withoutOverrides(AttentionSite.CROSS)).build();
    }

    /**
     * This configuration as an encoder-only model with {@code max(encoder, decoder)} layers.
     *
     * @return a configuration whose per-token head has the source vocabulary's size, with no embedding
     *         sharing and the decoder and cross-attention mask overrides dropped
     */
    public TransformerConfig encoderOnly() {
        return toBuilder().architecture(Architecture.ENCODER_ONLY).decoderLayers(0)
                .encoderLayers(Math.max(encoderLayers, decoderLayers)).tgtVocabSize(srcVocabSize).shareEmbeddings(false)
                .masks(masks.withoutOverrides(AttentionSite.DECODER_SELF).withoutOverrides(AttentionSite.CROSS))
                .scores(scores.withoutOverrides(AttentionSite.DECODER_SELF).withoutOverrides(AttentionSite.CROSS)).build();
    }

    /**
     * The width of one head.
     *
     * @return {@code d_model / heads} features (exact: the constructor checks divisibility)
     */
    public int headDim() {
        return dModel / heads;
    }

    // ------------------------------------------------------------------ JSON

    /**
     * This configuration as pretty-printed JSON with snake_case keys (see {@link ConfigJson}).
     *
     * @return a JSON object with every field, which {@link #fromJson} reads back to an equal configuration
     */
    public String toJson() {
        return ConfigJson.write(this);
    }

    /**
     * Reads a configuration written by {@link #toJson()} (or by hand).
     *
     * @param json a JSON object with the snake_case keys {@link #toJson()} writes; not null
     * @return the validated configuration
     * @throws IllegalArgumentException naming an unknown, missing or mistyped key, or an invalid value
     */
    public static TransformerConfig fromJson(String json) {
        return ConfigJson.read(json);
    }

    /**
     * Writes {@link #toJson()} to {@code file}, atomically (a temporary file renamed over it).
     *
     * @param file the JSON file; its parent directory must exist; an existing file is replaced
     * @throws IOException if the file cannot be written
     */
    public void save(Path file) throws IOException {
        ConfigJson.save(this, file);
    }

    /**
     * Reads a configuration file written by {@link #save}.
     *
     * @param file a JSON file in {@link #toJson()}'s format
     * @return the validated configuration
     * @throws IOException if the file cannot be read
     */
    public static TransformerConfig load(Path file) throws IOException {
        return ConfigJson.load(file);
    }

    // ------------------------------------------------------------------ builder

    /**
     * A builder starting from this configuration's values, to change a few fields of a preset or a loaded
     * configuration.
     *
     * @return a new builder holding every field of this configuration; {@link TransformerConfigBuilder#build()}
     *         validates the changed combination
     */
    public TransformerConfigBuilder toBuilder() {
        return new TransformerConfigBuilder(this);
    }
}
