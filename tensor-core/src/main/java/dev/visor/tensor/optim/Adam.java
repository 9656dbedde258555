package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.AdamRows;
import dev.visor.tensor.kernel.Parallel;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma and Ba, 2015) with PyTorch's update ({@code torch.optim.Adam}), including its
 * placement of ε outside the bias-corrected square root and L2 weight decay added to the gradient:
 * with {@code g ← g + λ·p} and t the parameter's update count,
 *
 * <pre>
 * m ← β₁·m + (1 − β₁)·g                       (exp_avg)
 * v ← β₂·v + (1 − β₂)·g²                      (exp_avg_sq; AMSGrad also keeps max_exp_avg_sq = max(·, v))
 * p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * Element arithmetic is float32 in PyTorch's operation order, with the scalar factors computed in
 * double; the element loop is {@link AdamRows} (float lanes, the same bits as the scalar loop). {@link AdamW} decouples the weight decay instead.
 *
 * <pre>{@code
 * Adam opt = new Adam(model.namedParameters(), Adam.options(1e-3).withBetas(0.9, 0.98).withEps(1e-9));
 * }</pre>
 */
public class Adam extends Optimizer {
    private static final int GRAIN = 1 << 15;
    private final Options options;
    private final boolean decoupled;

    /**
     * Hyper-parameters.
     *
     * @param lr          learning rate, ≥ 0
     * @param beta1       β₁ in [0, 1)
     * @param beta2       β₂ in [0, 1)
     * @param eps         ε ≥ 0, added to the denominator
     * @param weightDecay λ ≥ 0 (L2 for {@link Adam}, decoupled for {@link AdamW})
     * @param amsgrad     use the AMSGrad variant (Reddi et al., 2018)
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        /**
         * Checks the ranges, naming the offending value.
         *
         * @param lr the learning rate
         * @param beta1 the first-moment decay
         * @param beta2 the second-moment decay
         * @param eps the epsilon added for numerical stability
         * @param weightDecay the weight decay
         * @param amsgrad true for AMSGrad
         */
        public Options {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("Adam learning rate must be finite and >= 0 but got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("Adam beta1 must be in [0, 1) but got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam beta2 must be in [0, 1) but got " + beta2);
            }
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("Adam eps must be finite and >= 0 but got " + eps);
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("Adam weight decay must be finite and >= 0 but got " + weightDecay);
            }
        }

        /**
         * Returns these options with learning rate {@code lr}.
         *
         * @param lr the learning rate
         * @return these options with learning rate {@code lr}
         */
        public Options withLr(double lr) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /**
         * Returns these options with β₁ and β₂.
         *
         * @param beta1 the first-moment decay
         * @param beta2 the second-moment decay
         * @return these options with β₁ and β₂
         */
        public Options withBetas(double beta1, double beta2) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /**
         * Returns these options with ε.
         *
         * @param eps the epsilon added for numerical stability
         * @return these options with ε
         */
        public Options withEps(double eps) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /**
         * Returns these options with weight decay λ.
         *
         * @param weightDecay the weight decay
         * @return these options with weight decay λ
         */
        public Options withWeightDecay(double weightDecay) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /**
         * Returns these options with AMSGrad on or off.
         *
         * @param amsgrad true for AMSGrad
         * @return these options with AMSGrad on or off
         */
        public Options withAmsgrad(boolean amsgrad) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }
    }

    /**
     * PyTorch's Adam defaults with learning rate {@code lr}: β = (0.9, 0.999), ε = 1e-8, λ = 0.
     *
     * @param lr the learning rate
     * @return PyTorch's Adam defaults with learning rate {@code lr}: β = (0.9, 0.999), ε = 1e-8, λ = 0
     */
    public static Options options(double lr) {
        return new Options(lr, 0.9, 0.999, 1e-8, 0.0, false);
    }

    /**
     * Adam over named parameters.
     *
     * @param namedParams the parameters by name
     * @param options the options
     */
    public Adam(Map<String, Tensor> namedParams, Options options) {
        this(namedParams, options, false);
    }

    /** Adam over parameter groups (a group may set its own weight decay). */
    public Adam(ParamGroups groups, Options options) {
        this(groups, options, false);
    }

    /** Adam over parameters named by position. */
    public Adam(List<Tensor> params, Options options) {
        super(params, options.lr());
        this.options = options;
        this.decoupled = false;
    }

    Adam(Map<String, Tensor> namedParams, Options options, boolean decoupled) {
        super(namedParams, options.lr());
        this.options = options;
        this.decoupled = decoupled;
    }

    Adam(ParamGroups groups, Options options, boolean decoupled) {
        super(groups, options.lr());
        this.options = options;
        this.decoupled = decoupled;
    }

    Adam(List<Tensor> params, Options options, boolean decoupled) {
        super(params, options.lr());
        this.options = options;
        this.decoupled = decoupled;
    }

    /**
     * The hyper-parameters (the learning rate in use is {@link #lr()}).
     *
     * @return the hyper-parameters (the learning rate in use is {@link #lr()})
     */
    public final Options options() {
        return options;
    }

    /** Every update reads and writes only its own parameter's buffers. */
    @Override
    protected final boolean independentUpdates() {
        return true;
    }

    @Override
    protected final Set<String> bufferNames() {
        return options.amsgrad() ? Set.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : Set.of("exp_avg", "exp_avg_sq");
    }

    @Override
    protected final void update(int index, float[] p, int off, float[] g, long step, double lr) {
        float[] m = buffer(index, "exp_avg");
        float[] v = buffer(index, "exp_avg_sq");
        float[] vMax = options.amsgrad() ? buffer(index, "max_exp_avg_sq") : null;
        double b1 = options.beta1();
        double b2 = options.beta2();
        float beta1 = (float) b1;
        float beta2 = (float) b2;
        float oneMinusB1 = (float) (1 - b1);
        float oneMinusB2 = (float) (1 - b2);
        float eps = (float) options.eps();
        double lambda = weightDecay(index, options.weightDecay());
        float l2 = decoupled ? 0f : (float) lambda;
        float decay = decoupled ? (float) (1 - lr * lambda) : 1f;
        double biasCorrection1 = 1 - Math.pow(b1, step);
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(b2, step));
        float negStepSize = (float) -(lr / biasCorrection1);
        AdamRows.Coefficients c = new AdamRows.Coefficients(beta1, beta2, oneMinusB1, oneMinusB2, eps, l2, decay,
                bc2Sqrt, negStepSize);
        Parallel.forRange(g.length, GRAIN, (from, to) -> AdamRows.update(c, p, off, g, m, v, vMax, from, to));
    }
}
