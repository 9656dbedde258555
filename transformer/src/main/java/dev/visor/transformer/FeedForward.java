package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Layer;
import dev.visor.tensor.nn.Module;

/**
 * The position-wise sub-layer of every Transformer layer: a map {@code (batch, seq, dModel) →
 * (batch, seq, dModel)} applied to each position separately. The default is
 * {@link PositionwiseFeedForward}; bind a {@link FeedForwardFactory} to use another (a gated unit, a
 * mixture of experts) in every layer. A layer {@linkplain dev.visor.tensor.nn.Module#inline inlines} it, so its
 * parameters appear under the layer ({@code encoder.layers.0.linear1.weight}) while the network itself
 * is listed in {@code namedModules()} as {@code encoder.layers.0.feed_forward}.
 */
public abstract class FeedForward extends Module implements Layer {
    /** Creates a feed-forward module with nothing registered. */
    protected FeedForward() {}

    /** Applies the network to every position of {@code x (batch, seq, dModel)}. */
    @Override
    public abstract Tensor forward(Tensor x);
}
