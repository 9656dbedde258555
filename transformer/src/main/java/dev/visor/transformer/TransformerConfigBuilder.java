package dev.visor.transformer;

import dev.visor.transformer.TransformerConfig.Activation;
import dev.visor.transformer.TransformerConfig.Architecture;
import dev.visor.transformer.TransformerConfig.NormPlacement;
import dev.visor.transformer.TransformerConfig.Positional;

/**
 * Mutable copy of a {@link TransformerConfig}, made by {@link TransformerConfig#toBuilder()}; {@link #build()} validates. Setting {@link #dropout} also sets
 * the attention dropout (call {@link #attentionDropout} after it to differ); setting
 * {@link #heads} also sets the key/value heads (likewise).
 */
public final class TransformerConfigBuilder {
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
    private ScorePlan scores;
    private long seed;

    TransformerConfigBuilder(TransformerConfig c) {
        architecture = c.architecture();
        srcVocabSize = c.srcVocabSize();
        tgtVocabSize = c.tgtVocabSize();
        dModel = c.dModel();
        heads = c.heads();
        kvHeads = c.kvHeads();
        encoderLayers = c.encoderLayers();
        decoderLayers = c.decoderLayers();
        dFF = c.dFF();
        dropout = c.dropout();
        attentionDropout = c.attentionDropout();
        activation = c.activation();
        normPlacement = c.normPlacement();
        normEps = c.normEps();
        positional = c.positional();
        maxLength = c.maxLength();
        tieWeights = c.tieWeights();
        shareEmbeddings = c.shareEmbeddings();
        padId = c.padId();
        bosId = c.bosId();
        eosId = c.eosId();
        masks = c.masks();
        scores = c.scores();
        seed = c.seed();
    }

    /**
     * Sets which stacks the model has (the layer counts must agree by {@link #build()}).
     *
     * @param v encoder-decoder, decoder-only or encoder-only; not null
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder architecture(Architecture v) {
        architecture = v;
        return this;
    }

    /**
     * Sets both vocabulary sizes, for a model with one vocabulary.
     *
     * @param v the number of token ids, at least 1
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder vocabSize(int v) {
        srcVocabSize = v;
        tgtVocabSize = v;
        return this;
    }

    /**
     * Sets the source (encoder) vocabulary size.
     *
     * @param v the number of source token ids, at least 1
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder srcVocabSize(int v) {
        srcVocabSize = v;
        return this;
    }

    /**
     * Sets the target vocabulary size (for encoder-only: the classes of the per-token head).
     *
     * @param v the number of target token ids or classes, at least 1
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder tgtVocabSize(int v) {
        tgtVocabSize = v;
        return this;
    }

    /**
     * Sets the model width {@code d_model}.
     *
     * @param v features per position, at least 1 and a multiple of the heads
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder dModel(int v) {
        dModel = v;
        return this;
    }

    /**
     * Sets the heads and the key/value heads (standard multi-head attention).
     *
     * @param v query heads, at least 1, dividing {@code d_model}
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder heads(int v) {
        heads = v;
        kvHeads = v;
        return this;
    }

    /**
     * Sets the key/value heads (grouped-query attention when fewer than the heads).
     *
     * @param v at least 1, dividing the heads; call after {@link #heads}
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder kvHeads(int v) {
        kvHeads = v;
        return this;
    }

    /**
     * Sets both layer counts (for an encoder-decoder model).
     *
     * @param v layers per stack, at least 1
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder layers(int v) {
        encoderLayers = v;
        decoderLayers = v;
        return this;
    }

    /**
     * Sets the encoder layers.
     *
     * @param v at least 1 with an encoder, 0 for decoder-only
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder encoderLayers(int v) {
        encoderLayers = v;
        return this;
    }

    /**
     * Sets the decoder layers.
     *
     * @param v at least 1 with a decoder, 0 for encoder-only
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder decoderLayers(int v) {
        decoderLayers = v;
        return this;
    }

    /**
     * Sets {@code d_ff}, the inner width of the feed-forward network.
     *
     * @param v at least 1; the paper uses {@code 4 · d_model}
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder dFF(int v) {
        dFF = v;
        return this;
    }

    /**
     * Sets the dropout and the attention dropout.
     *
     * @param v a drop probability in {@code [0, 1)}; 0 turns dropout off
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder dropout(double v) {
        dropout = v;
        attentionDropout = v;
        return this;
    }

    /**
     * Sets the attention dropout alone.
     *
     * @param v the drop probability of attention weights, in {@code [0, 1)}
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder attentionDropout(double v) {
        attentionDropout = v;
        return this;
    }

    /**
     * Sets the feed-forward activation.
     *
     * @param v ReLU (the paper) or GELU; not null
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder activation(Activation v) {
        activation = v;
        return this;
    }

    /**
     * Sets the norm placement.
     *
     * @param v post-norm (the paper) or pre-norm; not null
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder normPlacement(NormPlacement v) {
        normPlacement = v;
        return this;
    }

    /**
     * Sets the layer-norm epsilon.
     *
     * @param v added to the variance before the square root; finite and greater than 0
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder normEps(double v) {
        normEps = v;
        return this;
    }

    /**
     * Sets the positional encoding.
     *
     * @param v sinusoidal (the paper) or learned; not null
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder positional(Positional v) {
        positional = v;
        return this;
    }

    /**
     * Sets the longest sequence.
     *
     * @param v the number of positions, at least 1 (positions {@code 0 .. v-1})
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder maxLength(int v) {
        maxLength = v;
        return this;
    }

    /**
     * Ties (or unties) the generator to the target embedding.
     *
     * @param v true to share one matrix (§3.4)
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder tieWeights(boolean v) {
        tieWeights = v;
        return this;
    }

    /**
     * Shares (or not) the source and target embeddings.
     *
     * @param v true to use one embedding for both sides; only for an encoder-decoder model with one vocabulary
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder shareEmbeddings(boolean v) {
        shareEmbeddings = v;
        return this;
    }

    /**
     * Sets the padding token.
     *
     * @param v a token id inside every vocabulary
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder padId(int v) {
        padId = v;
        return this;
    }

    /**
     * Sets the begin-of-sequence token.
     *
     * @param v a target token id other than the padding token
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder bosId(int v) {
        bosId = v;
        return this;
    }

    /**
     * Sets the end-of-sequence token.
     *
     * @param v a target token id other than the padding token
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder eosId(int v) {
        eosId = v;
        return this;
    }

    /**
     * Sets the mask plan.
     *
     * @param v the mask spec of every attention site with its per-layer overrides; not null
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder masks(MaskPlan v) {
        masks = v;
        return this;
    }

    /**
     * Sets one site's mask spec (keeping the plan's per-layer overrides).
     *
     * @param site the attention site: encoder self-attention, decoder self-attention or cross-attention
     * @param spec a mask spec of the registry, e.g. {@code "causal & sliding_window(left=4)"}; checked when
     *             the model is built, not here
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder mask(AttentionSite site, String spec) {
        masks = masks.with(site, spec);
        return this;
    }

    /**
     * Sets the score plan.
     *
     * @param v the score spec of every attention site with its per-layer overrides; not null
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder scores(ScorePlan v) {
        scores = v;
        return this;
    }

    /**
     * Sets one site's score spec (keeping the plan's per-layer overrides).
     *
     * @param site the attention site
     * @param spec a score spec, e.g. {@code "rope >> softcap(cap=30)"} or {@code none}; names are checked
     *             when the model is built, not here
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder score(AttentionSite site, String spec) {
        scores = scores.with(site, spec);
        return this;
    }

    /**
     * Sets the seed of the initial weights.
     *
     * @param v any value; equal seeds give equal initial weights
     * @return this builder, for chaining
     */
    public TransformerConfigBuilder seed(long v) {
        seed = v;
        return this;
    }

    /**
     * Validates the fields and builds the configuration.
     *
     * @return an immutable configuration; this builder may be changed and built again
     * @throws IllegalArgumentException naming the JSON keys and values of the first violated range (see
     *         the {@link TransformerConfig} constructor)
     */
    public TransformerConfig build() {
        return new TransformerConfig(architecture, srcVocabSize, tgtVocabSize, dModel, heads, kvHeads, encoderLayers,
                decoderLayers, dFF, dropout, attentionDropout, activation, normPlacement, normEps, positional, maxLength,
                tieWeights, shareEmbeddings, padId, bosId, eosId, masks, scores, seed);
    }
}
