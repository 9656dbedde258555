package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, with PyTorch's update ({@code torch.optim.SGD}): with {@code d = g + λ·p},
 *
 * <pre>
 * b ← d                         on a parameter's first update,
 * b ← μ·b + (1 − τ)·d           afterwards;
 * d ← d + μ·b  (Nesterov)  or  d ← b;
 * p ← p − lr·d
 * </pre>
 *
 * (no momentum: {@code p ← p − lr·d}). The momentum buffer is {@code momentum_buffer}.
 *
 * <pre>{@code
 * SGD opt = new SGD(model.namedParameters(), SGD.options(0.1).withMomentum(0.9).withNesterov(true));
 * }</pre>
 */
public final class SGD extends Optimizer {
    private static final int GRAIN = 1 << 15;
    private final Options options;

    /**
     * Hyper-parameters.
     *
     * @param lr          learning rate, ≥ 0
     * @param momentum    μ, ≥ 0 (0 = plain SGD)
     * @param dampening   τ, applied to the gradient in the momentum update
     * @param nesterov    use Nesterov momentum (needs μ &gt; 0 and τ = 0, as in PyTorch)
     * @param weightDecay λ, L2 penalty added to the gradient, ≥ 0
     */
    public record Options(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        /**
         * Checks the ranges, naming the offending value.
         *
         * @param lr the learning rate
         * @param momentum the momentum
         * @param dampening the momentum dampening
         * @param nesterov true for Nesterov momentum
         * @param weightDecay the weight decay
         */
        public Options {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("SGD learning rate must be finite and >= 0 but got " + lr);
            }
            if (!(momentum >= 0) || Double.isInfinite(momentum)) {
                throw new IllegalArgumentException("SGD momentum must be finite and >= 0 but got " + momentum);
            }
            if (!Double.isFinite(dampening)) {
                throw new IllegalArgumentException("SGD dampening must be finite but got " + dampening);
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("SGD weight decay must be finite and >= 0 but got " + weightDecay);
            }
        }

        /**
         * Returns these options with momentum μ.
         *
         * @param momentum the momentum
         * @return these options with momentum μ
         */
        public Options withMomentum(double momentum) {
            return new Options(lr, momentum, dampening, nesterov, weightDecay);
        }

        /**
         * Returns these options with dampening τ.
         *
         * @param dampening the momentum dampening
         * @return these options with dampening τ
         */
        public Options withDampening(double dampening) {
            return new Options(lr, momentum, dampening, nesterov, weightDecay);
        }

        /**
         * Returns these options with Nesterov momentum on or off.
         *
         * @param nesterov true for Nesterov momentum
         * @return these options with Nesterov momentum on or off
         */
        public Options withNesterov(boolean nesterov) {
            return new Options(lr, momentum, dampening, nesterov, weightDecay);
        }

        /**
         * Returns these options with L2 weight decay λ.
         *
         * @param weightDecay the weight decay
         * @return these options with L2 weight decay λ
         */
        public Options withWeightDecay(double weightDecay) {
            return new Options(lr, momentum, dampening, nesterov, weightDecay);
        }
    }

    /**
     * Plain SGD options with learning rate {@code lr} (no momentum, no weight decay).
     *
     * @param lr the learning rate
     * @return plain SGD options with learning rate {@code lr} (no momentum, no weight decay)
     */
    public static Options options(double lr) {
        return new Options(lr, 0, 0, false, 0);
    }

    /**
     * SGD over named parameters.
     *
     * @param namedParams the parameters by name
     * @param options the options
     */
    public SGD(Map<String, Tensor> namedParams, Options options) {
        super(namedParams, options.lr());
        this.options = check(options);
    }

    /** SGD over parameter groups (a group may set its own weight decay). */
    public SGD(ParamGroups groups, Options options) {
        super(groups, options.lr());
        this.options = check(options);
    }

    /** SGD over parameters named by position. */
    public SGD(List<Tensor> params, Options options) {
        super(params, options.lr());
        this.options = check(options);
    }

    private static Options check(Options o) {
        if (o.nesterov() && (o.momentum() <= 0 || o.dampening() != 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0 but got momentum="
                    + o.momentum() + ", dampening=" + o.dampening());
        }
        return o;
    }

    /**
     * The hyper-parameters (the learning rate in use is {@link #lr()}).
     *
     * @return the hyper-parameters (the learning rate in use is {@link #lr()})
     */
    public Options options() {
        return options;
    }

    /** Every update reads and writes only its own parameter's buffers. */
    @Override
    protected final boolean independentUpdates() {
        return true;
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of("momentum_buffer");
    }

    @Override
    protected void update(int index, float[] p, int off, float[] g, long step, double lr) {
        float wd = (float) weightDecay(index, options.weightDecay());
        float mu = (float) options.momentum();
        float oneMinusDamp = (float) (1 - options.dampening());
        float negLr = (float) -lr;
        boolean nesterov = options.nesterov();
        if (mu == 0) {
            Parallel.forRange(g.length, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float d = wd == 0 ? g[i] : g[i] + wd * p[off + i];
                    p[off + i] = p[off + i] + negLr * d;
                }
            });
            return;
        }
        boolean first = existingBuffer(index, "momentum_buffer") == null;
        float[] buf = buffer(index, "momentum_buffer");
        Parallel.forRange(g.length, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float d = wd == 0 ? g[i] : g[i] + wd * p[off + i];
                float b = first ? d : buf[i] * mu + oneMinusDamp * d;
                buf[i] = b;
                d = nesterov ? d + mu * b : b;
                p[off + i] = p[off + i] + negLr * d;
            }
        });
    }
}
