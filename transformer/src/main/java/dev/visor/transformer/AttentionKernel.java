package dev.visor.transformer;

import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Tensor;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Which computation evaluates a multi-head attention call over a whole sequence: the block-sparse
 * flash kernel ({@link #FLASH}, the default: never materialises the scores, skips masked blocks) or the
 * reference kernel ({@link #REFERENCE}: materialised scores, the oracle), or a decorator of either —
 * e.g. {@link #recording} to capture every layer's attention weights for a picture. Both kernels
 * compute {@code softmax(QKᵀ/√d_k) V} with masked keys excluded from the softmax; they differ only
 * in cost and rounding. Incremental steps on a KV cache always run the flash kernel.
 *
 * <pre>{@code
 * List<Tensor> maps = new ArrayList<>();
 * Injector inj = Guice.createInjector(Modules.override(new TransformerModule(cfg))
 *         .with(b -> b.bind(AttentionKernel.class).toInstance(AttentionKernel.recording(w -> maps.add(w.weights())))));
 * }</pre>
 */
@FunctionalInterface
public interface AttentionKernel {
    /**
     * Evaluates {@code attention} for {@code query (batch, Lq, dModel)} over {@code keyValue
     * (batch, Lk, dModel)} under {@code mask}, compiled for the call's shape (its query offset places
     * the queries).
     *
     * @param attention the multi-head attention whose projections and heads are used (its parameters
     *        become this layer's)
     * @param query the queries {@code (batch, Lq, dModel)}
     * @param keyValue the keys and values {@code (batch, Lk, dModel)}, the same tensor for both
     * @param mask the mask compiled for {@code (batch, heads, Lq, Lk)}; never null ({@code full} for
     *        unmasked attention)
     * @return the attention output {@code (batch, Lq, dModel)}
     */
    Tensor attend(MultiHeadAttention attention, Tensor query, Tensor keyValue, CompiledMask mask);

    /** The block-sparse flash kernel. */
    AttentionKernel FLASH = (attention, query, keyValue, mask) -> attention.forward(query, keyValue, keyValue, mask);

    /** The reference kernel with materialised scores. */
    AttentionKernel REFERENCE = (attention, query, keyValue, mask) ->
            attention.forwardWithWeights(query, keyValue, keyValue, mask).output();

    /**
     * The reference kernel, handing each call's output and weights {@code (batch, heads, Lq, Lk)} to
     * {@code sink} (in the order the layers run).
     *
     * @param sink called once per attention call with the output and the post-softmax weights
     *        (exactly 0 at masked keys); must not be null
     * @return a kernel computing what {@link #REFERENCE} computes, with the side effect on {@code sink}
     */
    static AttentionKernel recording(Consumer<MultiHeadAttention.Weighted> sink) {
        Objects.requireNonNull(sink, "sink");
        return (attention, query, keyValue, mask) -> {
            MultiHeadAttention.Weighted w = attention.forwardWithWeights(query, keyValue, keyValue, mask);
            sink.accept(w);
            return w.output();
        };
    }
}
