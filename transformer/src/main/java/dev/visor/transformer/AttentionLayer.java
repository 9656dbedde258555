package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Tensor;

/**
 * The attention sub-layer of a Transformer layer, as the layers see it: attention of queries over
 * keys/values under a compiled mask (self-attention passes the same tensor twice), and incremental
 * self-attention on a KV cache for decoding. Masks arrive compiled: the {@link Encoder} and
 * {@link Decoder} compile each distinct spec once per forward and hand the same object to every
 * layer that uses it. The default, {@link MultiHeadAttentionLayer}, is the attention module's
 * {@code MultiHeadAttention} with PyTorch's parameter names; bind an {@link AttentionFactory} to use
 * another attention in every layer.
 */
public abstract class AttentionLayer extends Composite {
    /** Creates a layer with nothing registered. */
    protected AttentionLayer() {}

    /**
     * Attention of {@code query (batch, Lq, dModel)} over {@code keyValue (batch, Lk, dModel)} under
     * {@code mask}, compiled for {@code (batch, heads, Lq, Lk)}; its query offset gives the queries'
     * absolute positions (0 except when decoding step by step without a cache).
     *
     * @param query the queries {@code (batch, Lq, dModel)}
     * @param keyValue the keys and values {@code (batch, Lk, dModel)}: {@code query} itself for
     *        self-attention, the encoder output for cross-attention
     * @param mask the mask compiled for {@code (batch, heads, Lq, Lk)}; never null
     * @return the attention output {@code (batch, Lq, dModel)}
     */
    public abstract Tensor forward(Tensor query, Tensor keyValue, CompiledMask mask);

    /**
     * Incremental self-attention: appends the keys and values of {@code x (batch, n, dModel)} to
     * {@code cache} and attends from its positions over everything cached, under {@code mask}
     * compiled for {@code (batch, heads, n, cache.length() + n)} at query offset {@code cache.length()}.
     *
     * @param x the new positions {@code (batch, n, dModel)}, usually {@code n = 1} while decoding
     * @param cache this layer's KV cache; grows by {@code n} positions
     * @param mask the mask compiled for {@code (batch, heads, n, cache.length() + n)}; never null
     * @return the attention output {@code (batch, n, dModel)}
     */
    public abstract Tensor forward(Tensor x, KvCache cache, CompiledMask mask);

    /**
     * The keys and values of {@code memory (batch, Ls, dModel)} projected once, for cross-attention
     * steps over the same source ({@link #forward(Tensor, MultiHeadAttention.KeysValues, CompiledMask)}).
     * The default returns {@code null}: the layer cannot project ahead, and each step calls
     * {@link #forward(Tensor, Tensor, CompiledMask)} with the memory instead.
     *
     * @param memory the encoder output {@code (batch, Ls, dModel)}
     * @return the projected keys and values, or {@code null} when this layer does not support it
     * @since 0.2
     */
    public MultiHeadAttention.KeysValues projectMemory(Tensor memory) {
        return null;
    }

    /**
     * Cross-attention of {@code query (batch, Lq, dModel)} over keys and values from
     * {@link #projectMemory}, under {@code mask} compiled for {@code (batch, heads, Lq, Ls)} at any
     * query offset. Runs the flash kernel, as cached self-attention steps do.
     *
     * @param query the queries {@code (batch, Lq, dModel)}
     * @param memory what {@link #projectMemory} returned for the source
     * @param mask the mask compiled for {@code (batch, heads, Lq, Ls)}; never null
     * @return the attention output {@code (batch, Lq, dModel)}
     * @throws UnsupportedOperationException when {@link #projectMemory} returns {@code null}
     * @since 0.2
     */
    public Tensor forward(Tensor query, MultiHeadAttention.KeysValues memory, CompiledMask mask) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not project its memory ahead");
    }

    /**
     * An empty KV cache for {@code batch} sequences.
     *
     * @param batch the batch size
     * @return an empty KV cache for {@code batch} sequences
     */
    public abstract KvCache newCache(int batch);

    /**
     * The number of query heads masks are compiled for.
     *
     * @return {@code h}, at least 1: the {@code heads} dimension of the masks compiled for this layer
     */
    public abstract int heads();
}
