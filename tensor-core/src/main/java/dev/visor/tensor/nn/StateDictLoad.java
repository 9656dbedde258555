package dev.visor.tensor.nn;

import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The work of {@link Module#loadStateDict}: matches a state dict against the module's own
 * ({@link Module#stateDict()}), reports every mismatch at once, and only when nothing stops the load copies
 * the values in place, so a failed load leaves the module unchanged. Kept apart from {@link Module}, which
 * owns the registration and the walks of the tree; this needs nothing of it but its public state dict.
 */
final class StateDictLoad {
    private StateDictLoad() {}

    /**
     * Loads {@code state} into {@code module} as {@link Module#loadStateDict} describes.
     *
     * @param module the module, named in the error
     * @param state the state, not null
     * @param strict true to fail on missing or unexpected keys
     * @return the missing and unexpected keys
     * @throws IllegalArgumentException listing every mismatch
     */
    static Module.LoadResult load(Module module, Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = module.stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                shapes.add(e.getKey() + ": state dict has " + Shape.str(src.shape()) + ", module has "
                        + Shape.str(e.getValue().shape()));
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!shapes.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("error(s) loading the state dict of ")
                    .append(module.getClass().getSimpleName()).append(':');
            if (!missing.isEmpty()) {
                sb.append("\n  missing keys (").append(missing.size()).append("): ").append(missing);
            }
            if (!unexpected.isEmpty()) {
                sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(unexpected);
            }
            if (!shapes.isEmpty()) {
                sb.append("\n  shape mismatches (").append(shapes.size()).append("):");
                shapes.forEach(s -> sb.append("\n    ").append(s));
            }
            throw new IllegalArgumentException(sb.toString());
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) {
                float[] values = src.toArray();
                Tensor dst = e.getValue();   // owns its storage from the offset on (a weight may have a lead)
                System.arraycopy(values, 0, dst.storage(), dst.offset(), values.length);
            }
        }
        return new Module.LoadResult(missing, unexpected);
    }
}
