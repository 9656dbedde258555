package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Layers applied in order, each registered under its index ({@code 0.weight}, {@code 1.weight},
 * ...), as {@code torch.nn.Sequential}.
 *
 * <pre>{@code
 * Sequential mlp = new Sequential(new Linear(4, 8, rng), Activation.gelu(), new Linear(8, 2, rng));
 * Tensor y = mlp.forward(x);
 * }</pre>
 */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    /**
     * Stacks {@code modules}, each of which must implement {@link Layer}.
     *
     * @param modules the modules
     */
    public Sequential(Module... modules) {
        Objects.requireNonNull(modules, "modules");
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a module under the next index.
     *
     * @param module the module
     * @return this
     * @throws IllegalArgumentException if the module has no {@code forward(Tensor)}
     */
    public Sequential add(Module module) {
        Objects.requireNonNull(module, "module");
        if (!(module instanceof Layer layer)) {
            throw new IllegalArgumentException("Sequential needs layers with forward(Tensor), but " + module.getClass().getSimpleName()
                    + " at index " + layers.size() + " is not a Layer");
        }
        registerModule(Integer.toString(layers.size()), module);
        layers.add(layer);
        return this;
    }

    /**
     * The module at {@code index}.
     *
     * @param index the index
     * @return the module at {@code index}
     */
    public Module get(int index) {
        Objects.checkIndex(index, layers.size());
        return (Module) layers.get(index);
    }

    /**
     * Number of layers.
     *
     * @return number of layers
     */
    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Layer l : layers) {
            h = l.forward(h);
        }
        return h;
    }
}
