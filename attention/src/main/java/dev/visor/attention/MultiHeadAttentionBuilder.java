package dev.visor.attention;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.tensor.Rng;
import java.util.Objects;

/**
 * Options of {@link MultiHeadAttention}, named after {@code torch.nn.MultiheadAttention}'s; from
 * {@link MultiHeadAttention#builder(int, int)}.
 *
 * <pre>{@code
 * MultiHeadAttention attn = MultiHeadAttention.builder(512, 8).kvHeads(2).dropout(0.1).build(new Rng(1));
 * }</pre>
 */
public final class MultiHeadAttentionBuilder {
    final int embedDim;
    final int heads;
    int kvHeads;
    int keyDim;
    int valueDim;
    boolean bias = true;
    double dropout;
    MaskCompiler masks;
    AttentionScores scores = AttentionScores.NONE;

    MultiHeadAttentionBuilder(int embedDim, int heads) {
        this.embedDim = embedDim;
        this.heads = heads;
        this.kvHeads = heads;
        this.keyDim = embedDim;
        this.valueDim = embedDim;
    }

    /**
     * Key/value heads shared by groups of query heads (grouped-query attention); default {@code heads}.
     *
     * @param n the count
     * @return this builder
     */
    public MultiHeadAttentionBuilder kvHeads(int n) {
        this.kvHeads = n;
        return this;
    }

    /**
     * Features of the key input ({@code kdim}); default {@code embedDim}.
     *
     * @param kdim the key width
     * @return this builder
     */
    public MultiHeadAttentionBuilder keyDim(int kdim) {
        this.keyDim = kdim;
        return this;
    }

    /**
     * Features of the value input ({@code vdim}); default {@code embedDim}.
     *
     * @param vdim the value width
     * @return this builder
     */
    public MultiHeadAttentionBuilder valueDim(int vdim) {
        this.valueDim = vdim;
        return this;
    }

    /**
     * Whether the projections have biases; default true.
     *
     * @param on true to switch it on
     * @return this builder
     */
    public MultiHeadAttentionBuilder bias(boolean on) {
        this.bias = on;
        return this;
    }

    /**
     * Attention-weight dropout in training mode; default 0.
     *
     * @param p the probability
     * @return this builder
     */
    public MultiHeadAttentionBuilder dropout(double p) {
        this.dropout = p;
        return this;
    }

    /**
     * The compiler that turns the spec strings of the convenience calls into compiled masks (its
     * registry and cache); default {@link MaskCompiler#load()}, created on the first such call.
     * Calls given a {@link CompiledMask} do not use it.
     *
     * @param compiler the registry and compiled-mask cache to use; not null (the injector passes its shared one)
     * @return this builder, for chaining
     */
    public MultiHeadAttentionBuilder masks(MaskCompiler compiler) {
        this.masks = Objects.requireNonNull(compiler, "compiler");
        return this;
    }

    /**
     * How the layer forms its scores: a rotary embedding of queries and keys and/or a score modifier
     * (see {@link AttentionScores}); default {@link AttentionScores#NONE}, plain attention. A modifier
     * with learnable parameters gets a parameter {@code score_parameters} of its parameter shape.
     *
     * @param s the parsed scores, created for this layer's head count
     * @return this builder
     */
    public MultiHeadAttentionBuilder scores(AttentionScores s) {
        this.scores = Objects.requireNonNull(s, "scores");
        return this;
    }

    /**
     * As {@link #scores(AttentionScores)}, from a score spec such as {@code "rope >> alibi"} parsed
     * once here with {@code registry} for this layer's heads.
     *
     * @param spec the score spec, or {@code none}
     * @param registry creates the modifier stages (the injector passes its shared one)
     * @return this builder
     */
    public MultiHeadAttentionBuilder scores(String spec, ScoreModifierRegistry registry) {
        return scores(AttentionScores.parse(spec, registry, heads));
    }

    /**
     * Builds the layer, drawing its initial weights from {@code rng}.
     *
     * @param rng the random source
     * @return the layer
     */
    public MultiHeadAttention build(Rng rng) {
        return new MultiHeadAttention(this, rng);
    }
}
