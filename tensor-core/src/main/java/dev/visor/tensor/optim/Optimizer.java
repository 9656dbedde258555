package dev.visor.tensor.optim;

import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.WeightedSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The base of gradient-descent optimizers, like {@code torch.optim.Optimizer}: it holds the
 * parameters (by name), the learning rate and an optional {@link LrSchedule}, per-parameter buffers
 * and update counts, and exports all of it as an {@link OptimizerState} so a run can resume
 * exactly.
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.namedParameters(), AdamW.options(3e-4));
 * opt.setSchedule(LrSchedule.cosine(3e-4, 1000, 100_000, 0.0));
 * for (Batch b : batches) {
 *     opt.zeroGrad();
 *     loss(model, b).backward();
 *     if (Gradients.allFinite(model.parameters())) {
 *         Gradients.clipGradNorm(model.parameters(), 1.0);
 *         opt.step();
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #step()} updates parameters in place, writing their storage directly (no autograd).
 * Parameters whose gradient is {@code null} are skipped and their update count does not advance,
 * as in PyTorch. {@link ParamGroups} give groups of parameters their own weight decay (e.g. none on
 * biases and norms); the learning rate and the other hyper-parameters apply to all parameters.
 */
public abstract class Optimizer {
    private final List<String> names;
    private final List<Tensor> params;
    private final List<Map<String, float[]>> buffers;
    private final long[] paramSteps;
    private final ParamGroups groups;
    private long steps;
    private double lr;
    private LrSchedule schedule;

    /**
     * @param namedParams parameters by name (the names key the state dict), in a stable order
     * @param lr          the initial learning rate, finite and ≥ 0
     */
    protected Optimizer(Map<String, Tensor> namedParams, double lr) {
        this(ParamGroups.single(Objects.requireNonNull(namedParams, "namedParams")), lr);
    }

    /**
     * @param groups the parameters in groups (a group may set its own weight decay)
     * @param lr     the initial learning rate, finite and ≥ 0
     */
    protected Optimizer(ParamGroups groups, double lr) {
        this.groups = Objects.requireNonNull(groups, "groups");
        Map<String, Tensor> namedParams = groups.params();
        this.names = List.copyOf(namedParams.keySet());
        this.params = List.copyOf(namedParams.values());
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " got an empty parameter list");
        }
        IdentityHashMap<Tensor, String> seen = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            String name = names.get(i);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("parameter " + i + " has an empty name");
            }
            if (!p.ownsStorage()) {
                throw new IllegalArgumentException("parameter '" + name + "' of shape " + Shape.str(p.shape())
                        + " must own dense storage so it can be updated in place, but has offset " + p.offset()
                        + " in a storage of " + p.storage().length + " with strides " + Arrays.toString(p.strides()));
            }
            String previous = seen.put(p, name);
            if (previous != null) {
                throw new IllegalArgumentException("the same tensor is given twice, as '" + previous + "' and '" + name
                        + "'; pass each parameter once (Module.namedParameters() already removes tied duplicates)");
            }
        }
        this.buffers = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            buffers.add(new LinkedHashMap<>());
        }
        this.paramSteps = new long[params.size()];
        this.lr = checkLr(lr);
    }

    /**
     * Parameters named by their position: {@code "0"}, {@code "1"}, ...
     *
     * @param params the parameters
     * @param lr the learning rate
     */
    protected Optimizer(List<Tensor> params, double lr) {
        this(indexed(params), lr);
    }

    private static Map<String, Tensor> indexed(List<Tensor> params) {
        Objects.requireNonNull(params, "params");
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            m.put(Integer.toString(i), Objects.requireNonNull(params.get(i), "params[" + i + "]"));
        }
        return m;
    }

    private static double checkLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0 but got " + lr);
        }
        return lr;
    }

    // ------------------------------------------------------------------ the update

    /**
     * Applies one update to every parameter that has a gradient. With a schedule, the learning rate
     * for this step is first set to {@code schedule.lr(steps() + 1)} (steps count from 1).
     */
    public final void step() {
        long next = steps + 1;
        double stepLr = schedule == null ? lr : checkLr(schedule.lr(next));
        int[] active = new int[params.size()];
        int count = 0;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).grad() != null) {
                paramSteps[i]++;
                active[count++] = i;
            }
        }
        int chunks = independentUpdates() ? Math.min(Parallel.threads(), count) : 1;
        if (chunks <= 1) {
            update(active, 0, count, stepLr);
        } else {
            long[] sizes = new long[count];
            for (int a = 0; a < count; a++) {
                sizes[a] = params.get(active[a]).numel();
            }
            int[] cut = WeightedSplit.cuts(sizes, chunks);
            // each chunk updates whole parameters of its own; updates nested inside run on its thread
            Parallel.forRange(chunks, 1, (from, to) -> update(active, cut[from], cut[to], stepLr));
        }
        lr = stepLr;
        steps = next;
    }

    /**
     * Updates parameter {@code index} in place: its element {@code i} ({@code 0 ≤ i < grad.length},
     * row-major) is {@code param[offset + i]}, where the offset is 0 or the lead of a weight made by
     * {@link Tensor#alignedZeros}; the per-parameter {@link #buffer buffers} are indexed by {@code i}.
     *
     * @param index  the index
     * @param param  its storage (row-major from {@code offset}, written in place)
     * @param offset where its first element is in {@code param}
     * @param grad   its gradient (row-major, read only, exactly its elements)
     * @param step   how many updates this parameter has now received, counting this one (from 1)
     * @param lr     the learning rate for this step
     */
    protected abstract void update(int index, float[] param, int offset, float[] grad, long step, double lr);

    /**
     * Whether {@link #update} touches only the state of the parameter it is given (its buffers, never
     * fields shared between parameters), so that {@link #step()} may update different parameters on
     * different kernel threads at once, in chunks of about equal element counts. The values are the
     * same either way (each element's update is computed alone). Default false; {@link Adam},
     * {@link AdamW} and {@link SGD} return true.
     *
     * @return true when updates of different parameters may run concurrently
     */
    protected boolean independentUpdates() {
        return false;
    }

    private void update(int[] active, int from, int to, double stepLr) {
        for (int a = from; a < to; a++) {
            int i = active[a];
            Tensor p = params.get(i);
            update(i, p.storage(), p.offset(), dense(p.grad()), paramSteps[i], stepLr);
        }
    }

    /**
     * The names of the buffers this optimizer may keep per parameter (for validating loaded state).
     *
     * @return the names of the buffers this optimizer may keep per parameter (for validating loaded state)
     */
    protected abstract Set<String> bufferNames();

    /**
     * The weight decay of parameter {@code index}: its {@link ParamGroups group}'s, else
     * {@code optimizerDefault} (the subclass's option).
     */
    protected final double weightDecay(int index, double optimizerDefault) {
        return groups.weightDecay(names.get(index), optimizerDefault);
    }

    /** The parameter groups (one group, {@code "all"}, unless groups were given). */
    public final ParamGroups paramGroups() {
        return groups;
    }

    /** Buffer {@code name} of parameter {@code index}, created filled with zeros on first use. */
    protected final float[] buffer(int index, String name) {
        return buffers.get(index).computeIfAbsent(name, k -> new float[params.get(index).numel()]);
    }

    /**
     * Buffer {@code name} of parameter {@code index}, or {@code null} if it does not exist yet.
     *
     * @param index the index
     * @param name the name
     * @return buffer {@code name} of parameter {@code index}, or {@code null} if it does not exist yet
     */
    protected final float[] existingBuffer(int index, String name) {
        return buffers.get(index).get(name);
    }

    private static float[] dense(Tensor t) {
        float[] s = t.storage();
        return t.offset() == 0 && t.isContiguous() && s.length == t.numel() ? s : t.toArray();
    }

    // ------------------------------------------------------------------ bookkeeping

    /** Clears every parameter's gradient (to none). */
    public final void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /**
     * The parameters, in order.
     *
     * @return the parameters, in order
     */
    public final List<Tensor> params() {
        return params;
    }

    /**
     * The parameter names, in order.
     *
     * @return the parameter names, in order
     */
    public final List<String> paramNames() {
        return names;
    }

    /**
     * The learning rate of the last step (or the one set).
     *
     * @return the learning rate of the last step (or the one set)
     */
    public final double lr() {
        return lr;
    }

    /**
     * Sets the learning rate for the next steps (a schedule, if set, overrides it at each step).
     *
     * @param lr the learning rate
     */
    public final void setLr(double lr) {
        this.lr = checkLr(lr);
    }

    /**
     * Drives the learning rate from {@code schedule} from the next step on; {@code null} removes it.
     *
     * @param schedule the schedule
     */
    public final void setSchedule(LrSchedule schedule) {
        this.schedule = schedule;
    }

    /**
     * Completed {@link #step()} calls.
     *
     * @return completed {@link #step()} calls
     */
    public final long steps() {
        return steps;
    }

    // ------------------------------------------------------------------ state

    /**
     * A snapshot (buffers copied) of everything {@link #step()} depends on besides the parameters.
     *
     * @return a snapshot (buffers copied) of everything {@link #step()} depends on besides the parameters
     */
    public final OptimizerState stateDict() {
        Map<String, Long> ps = new LinkedHashMap<>();
        Map<String, Tensor> bufs = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (paramSteps[i] > 0) {
                ps.put(names.get(i), paramSteps[i]);
            }
            int[] shape = params.get(i).shape();
            for (Map.Entry<String, float[]> e : buffers.get(i).entrySet()) {
                bufs.put(names.get(i) + "." + e.getKey(), Tensor.of(e.getValue(), shape));
            }
        }
        return new OptimizerState(getClass().getSimpleName(), steps, lr, ps, bufs);
    }

    /**
     * Restores a snapshot from {@link #stateDict()} (values are copied). Everything is checked
     * first and every problem reported at once — a different optimizer type, unknown parameter
     * names, unknown buffer names, shape mismatches — and on failure nothing changes. Parameters the
     * snapshot does not mention start fresh.
     *
     * @param state the state
     * @throws IllegalArgumentException listing every mismatch
     */
    public final void loadStateDict(OptimizerState state) {
        Objects.requireNonNull(state, "state");
        List<String> problems = new ArrayList<>();
        if (!state.type().equals(getClass().getSimpleName())) {
            problems.add("state is for " + state.type() + " but this optimizer is " + getClass().getSimpleName());
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        Set<String> known = bufferNames();
        for (Map.Entry<String, Tensor> e : state.buffers().entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            Integer i = dot < 0 ? null : index.get(key.substring(0, dot));
            if (i == null) {
                problems.add("buffer '" + key + "' names no parameter of this optimizer");
            } else if (!known.contains(key.substring(dot + 1))) {
                problems.add("buffer '" + key + "': " + getClass().getSimpleName() + " keeps no buffer '"
                        + key.substring(dot + 1) + "' (known: " + known + ")");
            } else if (!Arrays.equals(e.getValue().shape(), params.get(i).shape())) {
                problems.add("buffer '" + key + "' has shape " + Shape.str(e.getValue().shape()) + " but the parameter has "
                        + Shape.str(params.get(i).shape()));
            }
        }
        for (Map.Entry<String, Long> e : state.paramSteps().entrySet()) {
            if (!index.containsKey(e.getKey())) {
                problems.add("step count for '" + e.getKey() + "' names no parameter of this optimizer");
            } else if (e.getValue() < 0) {
                problems.add("step count for '" + e.getKey() + "' is negative: " + e.getValue());
            }
        }
        if (!(state.lr() >= 0) || Double.isInfinite(state.lr())) {
            problems.add("learning rate " + state.lr() + " is not finite and >= 0");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot load optimizer state (" + problems.size() + " problem(s)):\n  "
                    + String.join("\n  ", problems));
        }
        for (int i = 0; i < params.size(); i++) {
            buffers.get(i).clear();
            paramSteps[i] = 0;
        }
        for (Map.Entry<String, Tensor> e : state.buffers().entrySet()) {
            int dot = e.getKey().lastIndexOf('.');
            buffers.get(index.get(e.getKey().substring(0, dot))).put(e.getKey().substring(dot + 1), e.getValue().toArray());
        }
        state.paramSteps().forEach((k, v) -> paramSteps[index.get(k)] = v);
        steps = state.steps();
        lr = state.lr();
    }
}
