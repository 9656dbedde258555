package dev.visor.transformer;

/**
 * A part that keeps the weights its constructor gave it. {@link dev.visor.transformer.inject.ModelAssembler}
 * re-initialises every matrix of a new model Xavier-uniform, as The Annotated Transformer and
 * {@code nn.Transformer} do; a feed-forward network, attention layer or positional encoding that
 * implements this interface is left out of that pass (its parameters, and those of its descendants).
 *
 * <pre>{@code
 * final class ZeroInitFeedForward extends FeedForward implements SelfInitialising { ... }
 * }</pre>
 */
public interface SelfInitialising {}
