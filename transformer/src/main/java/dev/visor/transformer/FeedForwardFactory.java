package dev.visor.transformer;

import dev.visor.tensor.Rng;

/**
 * Makes the feed-forward sub-layer of each Transformer layer; bind one to replace
 * {@link PositionwiseFeedForward} everywhere.
 *
 * <pre>{@code
 * FeedForwardFactory ff = (cfg, rng) -> new PositionwiseFeedForward(cfg.dModel(), 4 * cfg.dModel(),
 *         TransformerConfig.Activation.GELU, cfg.dropout(), rng);
 * }</pre>
 */
@FunctionalInterface
public interface FeedForwardFactory {
    /**
     * A fresh feed-forward module for a model described by {@code config}, initialised from {@code rng}.
     *
     * @param config the model configuration
     * @param rng the random source
     * @return a fresh feed-forward module for a model described by {@code config}, initialised from {@code rng}
     */
    FeedForward create(TransformerConfig config, Rng rng);
}
