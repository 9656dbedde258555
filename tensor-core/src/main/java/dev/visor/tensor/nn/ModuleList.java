package dev.visor.tensor.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * An indexed list of submodules registered under {@code 0}, {@code 1}, ... (so a stack of encoder
 * layers has parameters named {@code layers.0.self_attn.in_proj_weight}), as
 * {@code torch.nn.ModuleList}. The caller decides how to run them.
 *
 * <pre>{@code
 * ModuleList<EncoderLayer> layers = registerModule("layers", new ModuleList<>());
 * for (int i = 0; i < n; i++) layers.add(new EncoderLayer(config, rng));
 * for (EncoderLayer layer : layers) x = layer.forward(x, mask);
 * }</pre>
 *
 * @param <M> the type of the modules held
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> modules = new ArrayList<>();

    /** An empty list. */
    public ModuleList() {}

    /**
     * A list holding {@code modules} in order.
     *
     * @param modules the modules
     */
    public ModuleList(List<? extends M> modules) {
        Objects.requireNonNull(modules, "modules").forEach(this::add);
    }

    /**
     * Appends a module under the next index.
     *
     * @param module the module
     * @return this
     */
    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(modules.size()), Objects.requireNonNull(module, "module"));
        modules.add(module);
        return this;
    }

    /**
     * The module at {@code index}.
     *
     * @param index the index
     * @return the module at {@code index}
     */
    public M get(int index) {
        Objects.checkIndex(index, modules.size());
        return modules.get(index);
    }

    /**
     * Number of modules.
     *
     * @return number of modules
     */
    public int size() {
        return modules.size();
    }

    /** The modules in index order (read-only). */
    @Override
    public Iterator<M> iterator() {
        return Collections.unmodifiableList(modules).iterator();
    }
}
