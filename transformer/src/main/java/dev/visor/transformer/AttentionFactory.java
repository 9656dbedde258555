package dev.visor.transformer;

import dev.visor.attention.MultiHeadAttention;
import dev.visor.tensor.Rng;
import java.util.Objects;

/**
 * Makes the attention sub-layer of each Transformer layer and site. The default
 * ({@link #multiHead}) builds {@link MultiHeadAttention} with the config's heads, key/value heads and
 * attention dropout, running on the given kernel. Masks reach the layers compiled, so the factory
 * needs no registry.
 *
 * <pre>{@code
 * AttentionFactory f = AttentionFactory.multiHead(AttentionKernel.REFERENCE);
 * AttentionLayer selfAttn = f.create(cfg, AttentionSite.ENCODER_SELF, 0, rng);
 * }</pre>
 */
@FunctionalInterface
public interface AttentionFactory {
    /**
     * A fresh attention layer for {@code site} in layer {@code layer} of a model described by {@code config}.
     *
     * @param config the model configuration
     * @param site the attention site
     * @param layer the layer index
     * @param rng the random source
     * @return a fresh attention layer for {@code site} in layer {@code layer} of a model described by {@code config}
     */
    AttentionLayer create(TransformerConfig config, AttentionSite site, int layer, Rng rng);

    /**
     * Multi-head attention evaluated by {@code kernel}.
     *
     * @param kernel evaluates each call: {@link AttentionKernel#FLASH} in production, {@link AttentionKernel#REFERENCE} or a recording kernel in tests
     * @return a factory making one {@code MultiHeadAttention} per site and layer, all evaluated by {@code kernel}
     */
    static AttentionFactory multiHead(AttentionKernel kernel) {
        Objects.requireNonNull(kernel, "kernel");
        return (cfg, site, layer, rng) -> new MultiHeadAttentionLayer(
                MultiHeadAttention.builder(cfg.dModel(), cfg.heads()).kvHeads(cfg.kvHeads()).dropout(cfg.attentionDropout()).build(rng),
                kernel);
    }
}
