package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import java.util.Objects;

/**
 * One decoder layer (Vaswani et al., 2017, §3.1): masked self-attention, attention over the encoder
 * output ({@code memory}), then the feed-forward network, each in a residual connection with dropout
 * and a norm placed by the {@link Residual}. Names are those of
 * {@code torch.nn.TransformerDecoderLayer}: {@code self_attn.*}, {@code multihead_attn.*},
 * {@code linear1.*}, {@code linear2.*}, {@code norm1..3.*}.
 *
 * <p>Without a source attention ({@code srcAttn == null}) it is a GPT block — self-attention and
 * feed-forward only — whose names ({@code self_attn}, {@code linear1/2}, {@code norm1}, {@code norm2})
 * are those of {@code torch.nn.TransformerEncoderLayer}.
 *
 * <pre>{@code
 * DecoderLayer layer = new DecoderLayer(selfAttn, srcAttn, feedForward, norms, dropouts, Residual.PRE_NORM);
 * Tensor y = layer.forward(x, memory, compiledSelf, compiledCross);
 * }</pre>
 */
public final class DecoderLayer extends Composite {
    private final AttentionLayer selfAttn;
    private final AttentionLayer srcAttn;
    private final FeedForward feedForward;
    private final Norm[] norms;
    private final Dropout[] dropouts;
    private final Residual residual;

    /**
     * A layer from its parts.
     *
     * @param selfAttn the self-attention
     * @param srcAttn  attention over the memory, or {@code null} for a decoder-only block
     * @param feedForward the feed-forward network
     * @param norms    one norm per sub-layer: 3 with {@code srcAttn}, 2 without
     * @param dropouts one residual dropout per sub-layer, likewise
     * @param residual the residual wiring
     */
    public DecoderLayer(AttentionLayer selfAttn, AttentionLayer srcAttn, FeedForward feedForward, Norm[] norms,
                        Dropout[] dropouts, Residual residual) {
        int sublayers = srcAttn == null ? 2 : 3;
        if (norms.length != sublayers || dropouts.length != sublayers) {
            throw new IllegalArgumentException("a decoder layer " + (srcAttn == null ? "without" : "with")
                    + " source attention has " + sublayers + " sub-layers but got " + norms.length + " norms and "
                    + dropouts.length + " dropouts");
        }
        this.selfAttn = registerModule("self_attn", Objects.requireNonNull(selfAttn, "selfAttn"));
        this.srcAttn = srcAttn == null ? null : registerModule("multihead_attn", srcAttn);
        this.feedForward = inline("feed_forward", Objects.requireNonNull(feedForward, "feedForward"));
        this.norms = norms.clone();
        this.dropouts = dropouts.clone();
        for (int i = 0; i < sublayers; i++) {
            registerModule("norm" + (i + 1), Objects.requireNonNull(norms[i], "norms[" + i + "]"));
        }
        for (int i = 0; i < sublayers; i++) {
            registerModule("dropout" + (i + 1), Objects.requireNonNull(dropouts[i], "dropouts[" + i + "]"));
        }
        this.residual = Objects.requireNonNull(residual, "residual");
    }

    /**
     * Runs the layer on {@code x (batch, Lt, dModel)}.
     *
     * @param x         the input {@code (batch, Lt, dModel)}
     * @param memory    the encoder output {@code (batch, Ls, dModel)}, or {@code null} without source attention
     * @param selfMask  the self-attention mask, compiled for {@code (batch, heads, Lt, Lt)}
     * @param crossMask the source-attention mask, compiled for {@code (batch, heads, Lt, Ls)} (ignored without source attention)
     * @return {@code (batch, Lt, dModel)}
     */
    public Tensor forward(Tensor x, Tensor memory, CompiledMask selfMask, CompiledMask crossMask) {
        x = residual.apply(x, norms[0], dropouts[0], h -> selfAttn.forward(h, h, selfMask));
        if (srcAttn != null) {
            Tensor mem = Objects.requireNonNull(memory, "memory");
            x = residual.apply(x, norms[1], dropouts[1], h -> srcAttn.forward(h, mem, crossMask));
        }
        int last = norms.length - 1;
        return residual.apply(x, norms[last], dropouts[last], feedForward::forward);
    }

    /**
     * Runs the layer on new positions {@code x (batch, n, dModel)}, appending their keys and values to
     * {@code cache}; the masks are compiled at the query offset {@code cache.length()}.
     *
     * @param x the new positions {@code (batch, n, dModel)}
     * @param cache this layer's self-attention KV cache; grows by {@code n}
     * @param memory the encoder output {@code (batch, S, dModel)}
     * @param selfMask compiled for {@code (batch, heads, n, cache.length() + n)}
     * @param crossMask compiled for {@code (batch, heads, n, S)} at the same query offset
     * @return the layer output {@code (batch, n, dModel)}
     */
    public Tensor step(Tensor x, KvCache cache, Tensor memory, CompiledMask selfMask, CompiledMask crossMask) {
        return step(x, cache, memory, null, selfMask, crossMask);
    }

    /**
     * As {@link #step(Tensor, KvCache, Tensor, CompiledMask, CompiledMask)}, with the source
     * attention reading keys and values projected once per source ({@link AttentionLayer#projectMemory}).
     *
     * @param x the new positions {@code (batch, n, dModel)}
     * @param cache this layer's self-attention KV cache; grows by {@code n}
     * @param memory the encoder output {@code (batch, S, dModel)} (used when {@code projected} is null)
     * @param projected this layer's projected memory, or {@code null} to project {@code memory} now
     * @param selfMask compiled for {@code (batch, heads, n, cache.length() + n)}
     * @param crossMask compiled for {@code (batch, heads, n, S)} at the same query offset
     * @return the layer output {@code (batch, n, dModel)}
     * @since 0.2
     */
    public Tensor step(Tensor x, KvCache cache, Tensor memory, MultiHeadAttention.KeysValues projected,
                       CompiledMask selfMask, CompiledMask crossMask) {
        x = residual.apply(x, norms[0], dropouts[0], h -> selfAttn.forward(h, cache, selfMask));
        if (srcAttn != null) {
            if (projected != null) {
                x = residual.apply(x, norms[1], dropouts[1], h -> srcAttn.forward(h, projected, crossMask));
            } else {
                Tensor mem = Objects.requireNonNull(memory, "memory");
                x = residual.apply(x, norms[1], dropouts[1], h -> srcAttn.forward(h, mem, crossMask));
            }
        }
        int last = norms.length - 1;
        return residual.apply(x, norms[last], dropouts[last], feedForward::forward);
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
     * The source-attention sub-layer, or {@code null}.
     *
     * @return the source-attention sub-layer, or {@code null}
     */
    public AttentionLayer srcAttn() {
        return srcAttn;
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
