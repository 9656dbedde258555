package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), with PyTorch's update
 * ({@code torch.optim.AdamW}): before the Adam step, {@code p ← p·(1 − lr·λ)}; the gradient itself
 * is not changed. Everything else, buffers included, is as in {@link Adam}.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(model.namedParameters(), AdamW.options(3e-4).withWeightDecay(0.1));
 * }</pre>
 */
public final class AdamW extends Adam {
    /**
     * PyTorch's AdamW defaults with learning rate {@code lr}: β = (0.9, 0.999), ε = 1e-8, λ = 0.01.
     *
     * @param lr the learning rate
     * @return PyTorch's AdamW defaults with learning rate {@code lr}: β = (0.9, 0.999), ε = 1e-8, λ = 0.01
     */
    public static Options options(double lr) {
        return new Options(lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    /**
     * AdamW over named parameters.
     *
     * @param namedParams the parameters by name
     * @param options the options
     */
    public AdamW(Map<String, Tensor> namedParams, Options options) {
        super(namedParams, options, true);
    }

    /** AdamW over parameter groups (a group may set its own weight decay, e.g. none on biases and norms). */
    public AdamW(ParamGroups groups, Options options) {
        super(groups, options, true);
    }

    /** AdamW over parameters named by position. */
    public AdamW(List<Tensor> params, Options options) {
        super(params, options, true);
    }
}
