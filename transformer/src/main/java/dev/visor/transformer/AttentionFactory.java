package dev.visor.transformer;

import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Rng;
import java.util.Objects;

/**
 * Makes the attention sub-layer of each Transformer layer and site. The default
 * ({@link #multiHead}) builds {@link MultiHeadAttention} with the config's heads, key/value heads and
 * attention dropout, resolving mask specs in the given registry and running on the given kernel.
 *
 * <pre>{@code
 * AttentionFactory f = AttentionFactory.multiHead(MaskRegistry.load(), AttentionKernel.REFERENCE);
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
     * Multi-head attention over {@code registry}'s masks, evaluated by {@code kernel}.
     *
     * @param registry the mask registry
     * @param kernel how attention is evaluated
     * @return multi-head attention over {@code registry}'s masks, evaluated by {@code kernel}
     */
    static AttentionFactory multiHead(MaskRegistry registry, AttentionKernel kernel) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(kernel, "kernel");
        return (cfg, site, layer, rng) -> new MultiHeadAttentionLayer(
                MultiHeadAttention.builder(cfg.dModel(), cfg.heads()).kvHeads(cfg.kvHeads()).dropout(cfg.attentionDropout())
                        .registry(registry).build(rng),
                kernel, registry);
    }
}
