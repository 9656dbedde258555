package dev.visor.transformer;

import dev.visor.tensor.nn.Module;

/**
 * A module that can <em>inline</em> a part: register the part's own parameters and children under
 * their own names instead of under a prefix, while the part itself stays in the module tree under
 * its name ({@link Module#namedModules()}). This is what keeps {@code torch.nn.Transformer}'s
 * parameter names while the feed-forward network and the attention stay replaceable objects: a
 * layer holding a {@link PositionwiseFeedForward} exposes {@code linear1.weight}, not
 * {@code feed_forward.linear1.weight}, and lists the network as {@code feed_forward}.
 */
public abstract class Composite extends Module {
    /** Creates a composite with nothing registered. */
    protected Composite() {}
}
