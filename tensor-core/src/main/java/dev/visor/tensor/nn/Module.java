package dev.visor.tensor.nn;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The base of every layer, like {@code torch.nn.Module}: it owns named parameters, buffers and
 * submodules, and enumerates them with stable dotted names in registration order
 * ({@code encoder.layers.0.self_attn.in_proj_weight}), which is what checkpoints are keyed by.
 *
 * <p>Subclasses register their parts in the constructor and keep them in fields:
 *
 * <pre>{@code
 * final class FeedForward extends Module implements Layer {
 *     private final Linear linear1;
 *     private final Linear linear2;
 *
 *     FeedForward(int dModel, int dFF, Rng rng) {
 *         linear1 = registerModule("linear1", new Linear(dModel, dFF, rng));
 *         linear2 = registerModule("linear2", new Linear(dFF, dModel, rng));
 *     }
 *
 *     public Tensor forward(Tensor x) {                      // (batch, seq, dModel)
 *         return linear2.forward(Functional.relu(linear1.forward(x)));
 *     }
 * }
 * }</pre>
 *
 * <p>Parameters are dense leaf tensors with {@code requiresGrad} that {@linkplain Tensor#ownsStorage()
 * own their storage} (large weights from {@link Tensor#alignedZeros} after a lead): optimizers update
 * it in place from {@link Tensor#offset()} on. The same tensor may be registered under several names (tied weights): it then appears
 * once in {@link #parameters()} and {@link #namedParameters()} (under its first name), and under
 * every name in {@link #stateDict()}, as in PyTorch. Buffers are tensors that are state but not
 * parameters (no gradient, not optimised); persistent ones are part of the state dict.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> transientBuffers = new HashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    /** Parts whose parameters, buffers and children were registered here under their own names. */
    private final Map<String, Module> inlined = new LinkedHashMap<>();
    private boolean training = true;
    /** The last walk of the parameters, handed out again while it is current (ParameterWalk); null before the first. */
    private ParameterWalk lastWalk;

    /** Creates a module in training mode with nothing registered. */
    protected Module() {}

    // ------------------------------------------------------------------ registration

    /**
     * Registers {@code tensor} as the parameter {@code name} and turns on its {@code requiresGrad}.
     *
     * @param name the name
     * @param tensor the tensor
     * @return the tensor, for assignment to a field
     * @throws IllegalArgumentException if the name is taken or malformed, or the tensor is not a
     *                                  dense leaf (an op result or a strided view)
     */
    protected final Tensor registerParameter(String name, Tensor tensor) {
        checkName(name);
        Objects.requireNonNull(tensor, "tensor");
        if (!tensor.isLeaf()) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a leaf tensor but was produced by "
                    + tensor.gradFnName() + "; detach() it or create it directly");
        }
        if (!tensor.ownsStorage()) {
            throw new IllegalArgumentException("parameter '" + name + "' of shape " + Shape.str(tensor.shape())
                    + " must own dense row-major storage (offset 0 or Tensor.alignedZeros' lead, no gaps) so optimizers"
                    + " can update it in place, but has offset " + tensor.offset() + " in a storage of "
                    + tensor.storage().length + "; pass a copy");
        }
        tensor.requiresGrad(true);
        parameters.put(name, tensor);
        ParameterWalk.registered();
        return tensor;
    }

    /**
     * Registers a buffer: state that is not a parameter (no gradient). Persistent buffers are saved
     * in and loaded from the state dict; transient ones (e.g. a cached positional table) are not.
     *
     * @param name the name
     * @param tensor the tensor
     * @param persistent whether it belongs in the state dict
     * @return the tensor
     */
    protected final Tensor registerBuffer(String name, Tensor tensor, boolean persistent) {
        checkName(name);
        Objects.requireNonNull(tensor, "tensor");
        if (!tensor.ownsStorage()) {
            throw new IllegalArgumentException("buffer '" + name + "' of shape " + Shape.str(tensor.shape())
                    + " must own dense row-major storage; pass a copy");
        }
        buffers.put(name, tensor);
        if (!persistent) {
            transientBuffers.add(name);
        }
        return tensor;
    }

    /**
     * Registers {@code module} as the child {@code name}; its parameters appear as
     * {@code name.<theirs>}.
     *
     * @param <M> the module's type
     * @param name the child's name (no '.')
     * @param module the module
     * @return the module, for assignment to a field
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        Objects.requireNonNull(module, "module");
        if (module == this || ((Module) module).contains(this)) {
            throw new IllegalArgumentException("registering " + module.getClass().getSimpleName() + " as '" + name
                    + "' would make a cycle: it contains this module");
        }
        children.put(name, module);
        ParameterWalk.registered();
        return module;
    }

    /**
     * Registers {@code part}'s own parameters, persistent buffers and children as this module's, under
     * their own names (no {@code name.} prefix), and the part itself under {@code name} in
     * {@link #namedModules()}, so the module tree stays complete while parameter names stay flat.
     * This is how a Transformer layer holds a replaceable feed-forward network yet keeps PyTorch's
     * {@code linear1.weight}, not {@code feed_forward.linear1.weight}. {@link #train(boolean)} reaches
     * the part; its parameters are enumerated once, under the flat names.
     *
     * @param <M>  the part's type
     * @param name the part's name in {@link #namedModules()}
     * @param part the part
     * @return the part, for assignment to a field
     * @throws IllegalArgumentException when {@code name} or one of the part's names is already taken here
     */
    protected final <M extends Module> M inline(String name, M part) {
        checkName(name);
        Objects.requireNonNull(part, "part");
        Module p = part;
        if (p == this || p.contains(this)) {
            throw new IllegalArgumentException("inlining " + part.getClass().getSimpleName() + " as '" + name
                    + "' would make a cycle: it contains this module");
        }
        p.parameters.forEach(this::registerParameter);
        p.buffers.forEach((n, t) -> registerBuffer(n, t, !p.transientBuffers.contains(n)));
        p.children.forEach(this::registerModule);
        inlined.put(name, part);
        part.train(training);
        return part;
    }

    private boolean contains(Module target) {
        for (Module c : children.values()) {
            if (c == target || c.contains(target)) {
                return true;
            }
        }
        return false;
    }

    private void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException("a parameter, buffer or module name must be non-empty and contain no '.'"
                    + " but got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name) || inlined.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
        }
    }

    // ------------------------------------------------------------------ enumeration

    /**
     * Every distinct parameter of this module and its descendants, in registration order: the same
     * unmodifiable list until a module anywhere registers a parameter or a child.
     *
     * @return every distinct parameter of this module and its descendants, in registration order
     */
    public final List<Tensor> parameters() {
        return walked().list();
    }

    /**
     * Parameters by dotted name, in registration order (this module's own first, then each child's
     * in turn, depth first). A tensor registered under several names appears once, under the first.
     * The same unmodifiable map until a module anywhere registers a parameter or a child.
     *
     * @return parameters by dotted name, in registration order (this module's own first, then each child's in turn, depth first)
     */
    public final Map<String, Tensor> namedParameters() {
        return walked().named();
    }

    private ParameterWalk walked() {
        ParameterWalk w = lastWalk;
        if (w != null && w.current()) {
            return w;
        }
        long registrations = ParameterWalk.now();
        Map<String, Tensor> out = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        walk("", (prefix, m) -> m.parameters.forEach((n, t) -> {
            if (seen.put(t, Boolean.TRUE) == null) {
                out.put(prefix + n, t);
            }
        }));
        lastWalk = w = ParameterWalk.of(registrations, out);
        return w;
    }

    /**
     * Buffers (persistent and transient) by dotted name, in registration order.
     *
     * @return buffers (persistent and transient) by dotted name, in registration order
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> m.buffers.forEach((n, t) -> out.put(prefix + n, t)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * This module (under the name {@code ""}) and every descendant, by dotted name, depth first:
     * children, then {@linkplain #inline inlined} parts. A module reachable under several names
     * appears once, under the first (as in PyTorch).
     *
     * @return this module (under the name {@code ""}) and every descendant, by dotted name, depth first: children, then {@linkplain #inline inlined} parts
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        IdentityHashMap<Module, Boolean> seen = new IdentityHashMap<>();
        walkModules("", out, seen);
        return Collections.unmodifiableMap(out);
    }

    private void walkModules(String name, Map<String, Module> out, IdentityHashMap<Module, Boolean> seen) {
        if (seen.put(this, Boolean.TRUE) != null) {
            return;
        }
        out.put(name, this);
        String prefix = name.isEmpty() ? "" : name + ".";
        children.forEach((n, c) -> c.walkModules(prefix + n, out, seen));
        inlined.forEach((n, c) -> c.walkModules(prefix + n, out, seen));
    }

    /**
     * The direct submodules by name, in registration order.
     *
     * @return the direct submodules by name, in registration order
     */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(children));
    }

    /**
     * Total number of parameter elements (tied tensors counted once).
     *
     * @return total number of parameter elements (tied tensors counted once)
     */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) {
            n += t.numel();
        }
        return n;
    }

    private void walk(String prefix, BiConsumer<String, Module> visit) {
        visit.accept(prefix, this);
        children.forEach((n, c) -> c.walk(prefix + n + ".", visit));
    }

    // ------------------------------------------------------------------ state dict

    /**
     * Every parameter and persistent buffer by dotted name: for each module depth first, its
     * parameters then its buffers (PyTorch's order). Tied tensors appear under every name. The
     * values are detached tensors that <em>share storage</em> with the live parameters (as in
     * PyTorch): copy them if you need a snapshot that later training must not change.
     *
     * @return every parameter and persistent buffer by dotted name: for each module depth first, its parameters then its buffers (PyTorch's order)
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        walk("", (prefix, m) -> {
            m.parameters.forEach((n, t) -> out.put(prefix + n, t.detach()));
            m.buffers.forEach((n, t) -> {
                if (!m.transientBuffers.contains(n)) {
                    out.put(prefix + n, t.detach());
                }
            });
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * What {@link #loadStateDict} did not match.
     *
     * @param missingKeys    names the module has that the state dict lacked
     * @param unexpectedKeys names the state dict has that the module lacks
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        /**
         * Copies both lists.
         *
         * @param missingKeys keys the module has but the state dict lacks
         * @param unexpectedKeys keys the state dict has but the module lacks
         */
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }

        /**
         * True when every key matched.
         *
         * @return true when every key matched
         */
        public boolean isExact() {
            return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
        }
    }

    /**
     * Copies values from {@code state} into this module's parameters and persistent buffers, in
     * place (tensors held elsewhere, such as by an optimizer, see the new values).
     *
     * <p>Everything is checked before anything is copied, and every problem is reported at once:
     * keys the module has that {@code state} lacks (missing), keys {@code state} has that the
     * module lacks (unexpected), and tensors whose shapes differ (both shapes named). Shape
     * mismatches always fail; missing and unexpected keys fail only when {@code strict}. On failure
     * the module is unchanged.
     *
     * @param state the state
     * @param strict true to fail on missing or unexpected keys
     * @return the missing and unexpected keys (both empty after a strict load)
     * @throws IllegalArgumentException listing every mismatch
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Objects.requireNonNull(state, "state");
        return StateDictLoad.load(this, state, strict);
    }

    // ------------------------------------------------------------------ mode and gradients

    /**
     * Puts this module and all descendants in training mode (dropout active).
     *
     * @return this module
     */
    public Module train() {
        return train(true);
    }

    /**
     * Sets training ({@code true}) or evaluation mode on this module and all descendants.
     *
     * @param on true to switch it on
     * @return this module
     */
    public Module train(boolean on) {
        for (Module m : namedModules().values()) {
            m.training = on;
        }
        return this;
    }

    /**
     * Puts this module and all descendants in evaluation mode (dropout off).
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * True in training mode (the default).
     *
     * @return true in training mode (the default)
     */
    public final boolean isTraining() {
        return training;
    }

    /** Per thread: how many {@link #evaluating()} scopes are open. */
    private static final ThreadLocal<int[]> EVALUATING = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Makes every module behave as in evaluation mode (dropout off) on this thread until the returned
     * scope is closed, without changing any module's mode: the way to run inference on a shared model
     * that another thread may be training or decoding with, where {@link #eval()} would race on the
     * mode flag. Scopes nest. (A Visor addition: PyTorch's {@code inference_mode} leaves dropout on.)
     *
     * <pre>{@code
     * try (GradMode.Scope g = GradMode.disable(); GradMode.Scope e = Module.evaluating()) {
     *     Tensor logits = model.forward(x);   // deterministic, even if model.isTraining()
     * }
     * }</pre>
     *
     * @return the scope; closing it restores the previous behaviour of this thread
     */
    public static GradMode.Scope evaluating() {
        int[] depth = EVALUATING.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    /**
     * Whether this module behaves as in training mode now: it is in training mode and the current
     * thread is not inside {@link #evaluating()}. Layers with training-only behaviour (dropout) ask
     * this, not {@link #isTraining()}.
     *
     * @return true if training-only behaviour applies to this call
     */
    public final boolean behavesAsTraining() {
        return training && EVALUATING.get()[0] == 0;
    }

    /** Clears the gradient of every parameter (sets it to none, PyTorch's default since 2.0). */
    public final void zeroGrad() {
        for (Tensor t : parameters()) {
            t.zeroGrad();
        }
    }

    // ------------------------------------------------------------------ printing

    /**
     * One line of settings shown after the class name, e.g. {@code in=4, out=3, bias=true}.
     *
     * @return the settings line, empty by default
     */
    protected String extraRepr() {
        return "";
    }

    /** A tree of the module and its children, PyTorch style. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((n, c) -> sb.append("  (").append(n).append("): ")
                    .append(c.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }
}
