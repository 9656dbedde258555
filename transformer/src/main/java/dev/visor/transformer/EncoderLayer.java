package dev.visor.transformer;

import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import java.util.Objects;

/**
 * One encoder layer (Vaswani et al., 2017, §3.1): self-attention then the position-wise
 * feed-forward network, each wrapped in a residual connection with dropout and a norm placed by the
 * {@link Residual} (post-norm: {@code LayerNorm(x + Sublayer(x))}). Parameter names are those of
 * {@code torch.nn.TransformerEncoderLayer}: {@code self_attn.*}, {@code linear1.*}, {@code linear2.*},
 * {@code norm1.*}, {@code norm2.*}.
 *
 * <pre>{@code
 * EncoderLayer layer = new EncoderLayer(selfAttn, feedForward, Norm.layerNorm(512, 1e-5), Norm.layerNorm(512, 1e-5),
 *         new Dropout(0.1, rng.split()), new Dropout(0.1, rng.split()), Residual.POST_NORM);
 * Tensor y = layer.forward(x, compiledPadding);   // (batch, seq, 512)
 * }</pre>
 */
public final class EncoderLayer extends Composite {
    private final AttentionLayer selfAttn;
    private final FeedForward feedForward;
    private final Norm norm1;
    private final Norm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Residual residual;

    /**
     * A layer from its parts.
     *
     * @param selfAttn the self-attention
     * @param feedForward the feed-forward network
     * @param norm1 the first sub-layer's norm
     * @param norm2 the second sub-layer's norm
     * @param dropout1 the dropout after the first sub-layer
     * @param dropout2 the dropout after the second sub-layer
     * @param residual the residual wiring
     */
    public EncoderLayer(AttentionLayer selfAttn, FeedForward feedForward, Norm norm1, Norm norm2, Dropout dropout1,
                        Dropout dropout2, Residual residual) {
        this.selfAttn = registerModule("self_attn", Objects.requireNonNull(selfAttn, "selfAttn"));
        this.feedForward = inline("feed_forward", Objects.requireNonNull(feedForward, "feedForward"));
        this.norm1 = registerModule("norm1", Objects.requireNonNull(norm1, "norm1"));
        this.norm2 = registerModule("norm2", Objects.requireNonNull(norm2, "norm2"));
        this.dropout1 = registerModule("dropout1", Objects.requireNonNull(dropout1, "dropout1"));
        this.dropout2 = registerModule("dropout2", Objects.requireNonNull(dropout2, "dropout2"));
        this.residual = Objects.requireNonNull(residual, "residual");
    }

    /**
     * A layer with layer norms (ε = 1e-5) over {@code dModel} and residual dropout {@code dropout}.
     *
     * @param selfAttn the self-attention
     * @param feedForward the feed-forward network
     * @param dModel the model width {@code d_model}
     * @param dropout the dropout probability
     * @param residual the residual wiring
     * @param rng the random source
     */
    public EncoderLayer(AttentionLayer selfAttn, FeedForward feedForward, int dModel, double dropout, Residual residual,
                        Rng rng) {
        this(selfAttn, feedForward, Norm.layerNorm(dModel, 1e-5), Norm.layerNorm(dModel, 1e-5), new Dropout(dropout, rng.split()),
                new Dropout(dropout, rng.split()), residual);
    }

    /**
     * Runs the layer on {@code x (batch, seq, dModel)} with self-attention under {@code mask}.
     *
     * @param x the layer input {@code (batch, seq, dModel)}
     * @param mask the self-attention mask compiled for {@code (batch, heads, seq, seq)}; never null
     * @return the layer output {@code (batch, seq, dModel)}
     */
    public Tensor forward(Tensor x, CompiledMask mask) {
        x = residual.apply(x, norm1, dropout1, h -> selfAttn.forward(h, h, mask));
        return residual.apply(x, norm2, dropout2, feedForward::forward);
    }

    /**
     * The self-attention sub-layer.
     *
     * @return the self-attention sub-layer
     */
    public AttentionLayer selfAttn() {
        return selfAttn;
    }

    /**
     * The feed-forward sub-layer.
     *
     * @return the feed-forward sub-layer
     */
    public FeedForward feedForward() {
        return feedForward;
    }
}
