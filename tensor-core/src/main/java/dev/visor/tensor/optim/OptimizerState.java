package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an {@link Optimizer}'s state, enough to resume training bit for bit: the optimizer
 * type, the number of {@link Optimizer#step()} calls, the current learning rate, how many updates
 * each parameter has received (Adam's bias correction counts these), and the per-parameter buffers
 * keyed {@code <parameter name>.<buffer>} ({@code encoder.norm.weight.exp_avg}). Buffers are copies:
 * later steps do not change a snapshot.
 *
 * <p>To store it next to the model's tensors (e.g. in one safetensors file), write
 * {@link #buffers()} as tensors and {@link #metadata()} as string metadata, and rebuild with
 * {@link #fromMetadata}.
 *
 * @param type       the optimizer's class name ({@code "Adam"}, {@code "AdamW"}, {@code "SGD"})
 * @param steps      completed {@code step()} calls
 * @param lr         the learning rate of the last step (or the initial one)
 * @param paramSteps updates applied to each parameter, by parameter name (parameters never updated are absent)
 * @param buffers    per-parameter buffers by {@code <parameter name>.<buffer name>}
 */
public record OptimizerState(String type, long steps, double lr, Map<String, Long> paramSteps, Map<String, Tensor> buffers) {
    private static final String TYPE = "optimizer";
    private static final String STEPS = "optimizer.steps";
    private static final String LR = "optimizer.lr";
    private static final String PARAM_STEP = "optimizer.step.";

    /**
     * Validates and freezes the maps (insertion order kept).
     *
     * @param type the type
     * @param steps the steps
     * @param lr the learning rate
     * @param paramSteps the update count of every parameter
     * @param buffers the buffers by name
     */
    public OptimizerState {
        Objects.requireNonNull(type, "type");
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0 but got " + steps);
        }
        paramSteps = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(paramSteps, "paramSteps")));
        buffers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(buffers, "buffers")));
    }

    /**
     * The scalar part as strings: {@code optimizer}, {@code optimizer.steps}, {@code optimizer.lr}, {@code optimizer.step.<param>}.
     *
     * @return the scalar part as strings: {@code optimizer}, {@code optimizer.steps}, {@code optimizer.lr}, {@code optimizer.step.<param>}
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TYPE, type);
        m.put(STEPS, Long.toString(steps));
        m.put(LR, Double.toString(lr));
        paramSteps.forEach((k, v) -> m.put(PARAM_STEP + k, Long.toString(v)));
        return m;
    }

    /**
     * Rebuilds a state from {@link #metadata()} and {@link #buffers()}. Keys of {@code metadata}
     * that do not start with {@code optimizer} are ignored, so it may be shared with other data.
     *
     * @param metadata the metadata
     * @param buffers the buffers by name
     * @return the state
     * @throws IllegalArgumentException naming a missing or malformed entry
     */
    public static OptimizerState fromMetadata(Map<String, String> metadata, Map<String, Tensor> buffers) {
        Objects.requireNonNull(metadata, "metadata");
        String type = metadata.get(TYPE);
        if (type == null) {
            throw new IllegalArgumentException("optimizer metadata lacks '" + TYPE + "'; keys present: " + metadata.keySet());
        }
        long steps = parseLong(metadata, STEPS);
        String lrText = metadata.get(LR);
        if (lrText == null) {
            throw new IllegalArgumentException("optimizer metadata lacks '" + LR + "'");
        }
        double lr;
        try {
            lr = Double.parseDouble(lrText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("optimizer metadata '" + LR + "' is not a number: '" + lrText + "'", e);
        }
        Map<String, Long> paramSteps = new LinkedHashMap<>();
        for (String k : metadata.keySet()) {
            if (k.startsWith(PARAM_STEP)) {
                paramSteps.put(k.substring(PARAM_STEP.length()), parseLong(metadata, k));
            }
        }
        return new OptimizerState(type, steps, lr, paramSteps, buffers);
    }

    private static long parseLong(Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("optimizer metadata lacks '" + key + "'");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("optimizer metadata '" + key + "' is not an integer: '" + v + "'", e);
        }
    }
}
