package dev.visor.transformer;

import dev.visor.attention.AttentionScores;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.tensor.Rng;
import java.util.Objects;

/**
 * Makes the attention sub-layer of each Transformer layer and site. The default
 * ({@link #multiHead}) builds {@link MultiHeadAttention} with the config's heads, key/value heads and
 * attention dropout and the site's score spec for the layer ({@link TransformerConfig#scores()}, parsed
 * once here with a score-modifier registry), running on the given kernel. Masks reach the layers
 * compiled, so the factory needs no mask registry.
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
        return multiHead(kernel, null);
    }

    /**
     * Multi-head attention evaluated by {@code kernel}, each layer's score spec created by {@code registry}.
     *
     * @param kernel evaluates each call
     * @param registry creates the score modifiers of the config's score specs (the injector passes its
     *        shared one); null loads the class path's when a spec first needs one
     * @return a factory making one {@code MultiHeadAttention} per site and layer
     * @throws IllegalArgumentException from {@code create}, naming the site, the layer and the spec, when a
     *         score spec cannot be created
     */
    static AttentionFactory multiHead(AttentionKernel kernel, ScoreModifierRegistry registry) {
        Objects.requireNonNull(kernel, "kernel");
        ScoreModifierRegistry[] scores = {registry};
        return (cfg, site, layer, rng) -> {
            String spec = cfg.scores().spec(site, layer);
            AttentionScores parsed = AttentionScores.NONE;
            if (!AttentionScores.isNone(spec)) {
                synchronized (scores) {
                    if (scores[0] == null) scores[0] = ScoreModifierRegistry.load();
                }
                try {
                    parsed = AttentionScores.parse(spec, scores[0], cfg.heads());
                } catch (IllegalArgumentException e) {   // MaskSpecException included
                    throw new IllegalArgumentException("the " + site.key() + " score spec of layer " + layer + ", '" + spec
                            + "', is invalid: " + e.getMessage(), e);
                }
            }
            return new MultiHeadAttentionLayer(MultiHeadAttention.builder(cfg.dModel(), cfg.heads()).kvHeads(cfg.kvHeads())
                    .dropout(cfg.attentionDropout()).scores(parsed).build(rng), kernel);
        };
    }
}
