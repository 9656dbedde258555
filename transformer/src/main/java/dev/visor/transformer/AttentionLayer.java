package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MaskInputs;
import dev.visor.tensor.Tensor;

/**
 * The attention sub-layer of a Transformer layer, as the layers see it: attention of queries over
 * keys/values under a mask spec (self-attention passes the same tensor twice), and incremental
 * self-attention on a KV cache for decoding. The default, {@link MultiHeadAttentionLayer}, is the
 * attention module's {@code MultiHeadAttention} with PyTorch's parameter names; bind an
 * {@link AttentionFactory} to use another attention in every layer.
 */
public abstract class AttentionLayer extends Composite {
    /** Creates a layer with nothing registered. */
    protected AttentionLayer() {}

    /**
     * Attention of {@code query (batch, Lq, dModel)} over {@code keyValue (batch, Lk, dModel)} under
     * {@code maskSpec} bound to {@code inputs}, the queries being absolute positions
     * {@code queryOffset .. queryOffset+Lq−1} (0 except when decoding step by step).
     *
     * @param query the queries
     * @param keyValue the keys and values
     * @param maskSpec the mask spec, e.g. {@code "causal & padding"}
     * @param inputs the mask inputs of the call
     * @param queryOffset the absolute position of the first query
     * @return {@code (batch, Lq, dModel)}
     */
    public abstract Tensor forward(Tensor query, Tensor keyValue, String maskSpec, MaskInputs inputs, int queryOffset);

    /**
     * Incremental self-attention: appends the keys and values of {@code x (batch, n, dModel)} to
     * {@code cache} and attends from its positions over everything cached.
     *
     * @param x the input
     * @param cache the KV cache
     * @param maskSpec the mask spec, e.g. {@code "causal & padding"}
     * @param inputs the mask inputs of the call
     * @return {@code (batch, n, dModel)}
     */
    public abstract Tensor forward(Tensor x, KvCache cache, String maskSpec, MaskInputs inputs);

    /**
     * An empty KV cache for {@code batch} sequences.
     *
     * @param batch the batch size
     * @return an empty KV cache for {@code batch} sequences
     */
    public abstract KvCache newCache(int batch);
}
