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

        /** The JSON name, e.g. {@code encoder_decoder}. */
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

        /** The JSON name. */
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

        /** The JSON name. */
        public String key() {
            return key;
        }
    }

    /** How positions enter the model. */
    public enum Positional {
        /** The fixed sinusoids of §3.5. */
        SINUSOIDAL("sinusoidal"),
        /** A learned table of {@code maxLength} vectors (BERT, GPT-2). */
        LEARNED("learned");

        private final String key;

        Positional(String key) {
            this.key = key;
        }

        /** The JSON name. */
        public String key() {
            return key;
        }
    }

    /** Validates every field and every combination; messages name the values. */
    public TransformerConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(normPlacement, "normPlacement");
        Objects.requireNonNull(positional, "positional");
        Objects.requireNonNull(masks, "masks");
        ConfigChecks.dimensions(srcVocabSize, tgtVocabSize, dModel, heads, kvHeads, dFF, maxLength);
        ConfigChecks.layers(architecture, encoderLayers, decoderLayers);
        ConfigChecks.vocabularies(architecture, srcVocabSize, tgtVocabSize, tieWeights, shareEmbeddings);
        ConfigChecks.regularisation(dropout, attentionDropout, normEps);
        ConfigChecks.tokens(architecture, srcVocabSize, tgtVocabSize, padId, bosId, eosId);
        masks.checkLayers(AttentionSite.ENCODER_SELF, encoderLayers, architecture.key());
        masks.checkLayers(AttentionSite.DECODER_SELF, decoderLayers, architecture.key());
        masks.checkLayers(AttentionSite.CROSS, architecture == Architecture.ENCODER_DECODER ? decoderLayers : 0,
                architecture.key());
    }

    // ------------------------------------------------------------------ presets

    /**
     * A model for tests and demos that trains in seconds: {@code d_model 32}, 4 heads, 2 + 2 layers,
     * {@code d_ff 64}, no dropout, sequences up to 64.
     */
    public static TransformerConfig tiny(int vocabSize) {
        return preset(vocabSize, vocabSize, 32, 4, 2, 64, 0.0, 64);
    }

    /**
     * A model that trains on a laptop CPU: {@code d_model 256}, 4 heads, 3 + 3 layers,
     * {@code d_ff 1024}, dropout 0.1, sequences up to 512.
     */
    public static TransformerConfig small(int vocabSize) {
        return preset(vocabSize, vocabSize, 256, 4, 3, 1024, 0.1, 512);
    }

    /**
     * The base model of "Attention Is All You Need" (Table 3): {@code d_model 512}, 8 heads,
     * 6 + 6 layers, {@code d_ff 2048}, dropout 0.1, post-norm, ReLU, sinusoidal positions, sequences up
     * to 1024.
     */
    public static TransformerConfig base(int srcVocabSize, int tgtVocabSize) {
        return preset(srcVocabSize, tgtVocabSize, 512, 8, 6, 2048, 0.1, 1024);
    }

    private static TransformerConfig preset(int srcVocab, int tgtVocab, int dModel, int heads, int layers, int dFF,
                                            double dropout, int maxLength) {
        return new TransformerConfig(Architecture.ENCODER_DECODER, srcVocab, tgtVocab, dModel, heads, heads, layers, layers,
                dFF, dropout, dropout, Activation.RELU, NormPlacement.POST, 1e-5, Positional.SINUSOIDAL, maxLength, false,
                false, 0, 1, 2, MaskPlan.defaults(), 0L);
    }

    /**
     * The named preset ({@code tiny}, {@code small} or {@code base}) with one vocabulary.
     *
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

    /** This configuration as a decoder-only language model with {@code max(encoder, decoder)} layers. */
    public TransformerConfig decoderOnly() {
        return toBuilder().architecture(Architecture.DECODER_ONLY).encoderLayers(0)
                .decoderLayers(Math.max(encoderLayers, decoderLayers)).srcVocabSize(tgtVocabSize).shareEmbeddings(false)
                .masks(masks.withoutOverrides(AttentionSite.ENCODER_SELF).withoutOverrides(AttentionSite.CROSS)).build();
    }

    /** This configuration as an encoder-only model with {@code max(encoder, decoder)} layers. */
    public TransformerConfig encoderOnly() {
        return toBuilder().architecture(Architecture.ENCODER_ONLY).decoderLayers(0)
                .encoderLayers(Math.max(encoderLayers, decoderLayers)).tgtVocabSize(srcVocabSize).shareEmbeddings(false)
                .masks(masks.withoutOverrides(AttentionSite.DECODER_SELF).withoutOverrides(AttentionSite.CROSS)).build();
    }

    /** {@code d_model / heads}, the width of one head. */
    public int headDim() {
        return dModel / heads;
    }

    // ------------------------------------------------------------------ JSON

    /** This configuration as pretty-printed JSON with snake_case keys (see {@link ConfigJson}). */
    public String toJson() {
        return ConfigJson.write(this);
    }

    /**
     * Reads a configuration written by {@link #toJson()} (or by hand).
     *
     * @throws IllegalArgumentException naming an unknown, missing or mistyped key, or an invalid value
     */
    public static TransformerConfig fromJson(String json) {
        return ConfigJson.read(json);
    }

    /** Writes {@link #toJson()} to {@code file}, atomically. */
    public void save(Path file) throws IOException {
        ConfigJson.save(this, file);
    }

    /** Reads a configuration file written by {@link #save}. */
    public static TransformerConfig load(Path file) throws IOException {
        return ConfigJson.load(file);
    }

    // ------------------------------------------------------------------ builder

    /** A builder starting from this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Mutable copy of a configuration; {@link #build()} validates. Setting {@link #dropout} also sets
     * the attention dropout (call {@link #attentionDropout} after it to differ); setting
     * {@link #heads} also sets the key/value heads (likewise).
     */
    public static final class Builder {
        private Architecture architecture;
        private int srcVocabSize;
        private int tgtVocabSize;
        private int dModel;
        private int heads;
        private int kvHeads;
        private int encoderLayers;
        private int decoderLayers;
        private int dFF;
        private double dropout;
        private double attentionDropout;
        private Activation activation;
        private NormPlacement normPlacement;
        private double normEps;
        private Positional positional;
        private int maxLength;
        private boolean tieWeights;
        private boolean shareEmbeddings;
        private int padId;
        private int bosId;
        private int eosId;
        private MaskPlan masks;
        private long seed;

        private Builder(TransformerConfig c) {
            architecture = c.architecture;
            srcVocabSize = c.srcVocabSize;
            tgtVocabSize = c.tgtVocabSize;
            dModel = c.dModel;
            heads = c.heads;
            kvHeads = c.kvHeads;
            encoderLayers = c.encoderLayers;
            decoderLayers = c.decoderLayers;
            dFF = c.dFF;
            dropout = c.dropout;
            attentionDropout = c.attentionDropout;
            activation = c.activation;
            normPlacement = c.normPlacement;
            normEps = c.normEps;
            positional = c.positional;
            maxLength = c.maxLength;
            tieWeights = c.tieWeights;
            shareEmbeddings = c.shareEmbeddings;
            padId = c.padId;
            bosId = c.bosId;
            eosId = c.eosId;
            masks = c.masks;
            seed = c.seed;
        }

        /** Sets the architecture. */
        public Builder architecture(Architecture v) {
            architecture = v;
            return this;
        }

        /** Sets both vocabulary sizes. */
        public Builder vocabSize(int v) {
            srcVocabSize = v;
            tgtVocabSize = v;
            return this;
        }

        /** Sets the source vocabulary size. */
        public Builder srcVocabSize(int v) {
            srcVocabSize = v;
            return this;
        }

        /** Sets the target vocabulary size. */
        public Builder tgtVocabSize(int v) {
            tgtVocabSize = v;
            return this;
        }

        /** Sets {@code d_model}. */
        public Builder dModel(int v) {
            dModel = v;
            return this;
        }

        /** Sets the heads and the key/value heads. */
        public Builder heads(int v) {
            heads = v;
            kvHeads = v;
            return this;
        }

        /** Sets the key/value heads (grouped-query attention when fewer than the heads). */
        public Builder kvHeads(int v) {
            kvHeads = v;
            return this;
        }

        /** Sets both layer counts. */
        public Builder layers(int v) {
            encoderLayers = v;
            decoderLayers = v;
            return this;
        }

        /** Sets the encoder layers. */
        public Builder encoderLayers(int v) {
            encoderLayers = v;
            return this;
        }

        /** Sets the decoder layers. */
        public Builder decoderLayers(int v) {
            decoderLayers = v;
            return this;
        }

        /** Sets {@code d_ff}. */
        public Builder dFF(int v) {
            dFF = v;
            return this;
        }

        /** Sets the dropout and the attention dropout. */
        public Builder dropout(double v) {
            dropout = v;
            attentionDropout = v;
            return this;
        }

        /** Sets the attention dropout. */
        public Builder attentionDropout(double v) {
            attentionDropout = v;
            return this;
        }

        /** Sets the feed-forward activation. */
        public Builder activation(Activation v) {
            activation = v;
            return this;
        }

        /** Sets the norm placement. */
        public Builder normPlacement(NormPlacement v) {
            normPlacement = v;
            return this;
        }

        /** Sets the layer-norm epsilon. */
        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        /** Sets the positional encoding. */
        public Builder positional(Positional v) {
            positional = v;
            return this;
        }

        /** Sets the longest sequence. */
        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        /** Ties (or unties) the generator to the target embedding. */
        public Builder tieWeights(boolean v) {
            tieWeights = v;
            return this;
        }

        /** Shares (or not) the source and target embeddings. */
        public Builder shareEmbeddings(boolean v) {
            shareEmbeddings = v;
            return this;
        }

        /** Sets the padding token. */
        public Builder padId(int v) {
            padId = v;
            return this;
        }

        /** Sets the begin-of-sequence token. */
        public Builder bosId(int v) {
            bosId = v;
            return this;
        }

        /** Sets the end-of-sequence token. */
        public Builder eosId(int v) {
            eosId = v;
            return this;
        }

        /** Sets the mask plan. */
        public Builder masks(MaskPlan v) {
            masks = v;
            return this;
        }

        /** Sets one site's mask spec (keeping the plan's per-layer overrides). */
        public Builder mask(AttentionSite site, String spec) {
            masks = masks.with(site, spec);
            return this;
        }

        /** Sets the seed of the initial weights. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Validates and builds. */
        public TransformerConfig build() {
            return new TransformerConfig(architecture, srcVocabSize, tgtVocabSize, dModel, heads, kvHeads, encoderLayers,
                    decoderLayers, dFF, dropout, attentionDropout, activation, normPlacement, normEps, positional, maxLength,
                    tieWeights, shareEmbeddings, padId, bosId, eosId, masks, seed);
        }
    }
}
