package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A module that can <em>inline</em> a part: register the part's own parameters and children under
 * their own names instead of under a prefix. This is what keeps {@code torch.nn.Transformer}'s
 * parameter names while the feed-forward network and the attention stay replaceable objects: a
 * layer holding a {@link PositionwiseFeedForward} exposes {@code linear1.weight}, not
 * {@code feed_forward.linear1.weight}.
 *
 * <p>Inlined parts are not children, so {@link Module#train(boolean)}'s walk would not reach their
 * own mode flag; this class overrides it to switch them too.
 */
public abstract class Composite extends Module {
    private final List<Module> inlined = new ArrayList<>();

    /** Creates a composite with nothing registered. */
    protected Composite() {}

    /**
     * Registers {@code part}'s own parameters, persistent buffers and children in this module under
     * their names.
     *
     * @return the part
     * @throws IllegalArgumentException when one of the part's names is already taken here
     */
    protected final <M extends Module> M inline(M part) {
        Objects.requireNonNull(part, "part");
        Set<String> persistent = part.stateDict().keySet();
        for (Map.Entry<String, Tensor> e : part.namedParameters().entrySet()) {
            if (e.getKey().indexOf('.') < 0) {
                registerParameter(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Tensor> e : part.namedBuffers().entrySet()) {
            if (e.getKey().indexOf('.') < 0) {
                registerBuffer(e.getKey(), e.getValue(), persistent.contains(e.getKey()));
            }
        }
        part.children().forEach(this::registerModule);
        inlined.add(part);
        part.train(isTraining());
        return part;
    }

    @Override
    public Module train(boolean on) {
        super.train(on);
        for (Module m : namedModules().values()) {
            if (m instanceof Composite c) {
                for (Module part : c.inlined) {
                    part.train(on);
                }
            }
        }
        return this;
    }
}
