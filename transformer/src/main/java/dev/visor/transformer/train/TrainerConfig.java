package dev.visor.transformer.train;

import dev.visor.tensor.optim.LrSchedule;
import java.util.Objects;

/**
 * The settings of a training run. The optimizer settings follow Vaswani et al. (2017), §5.3: AdamW
 * with β = (0.9, 0.98), ε = 1e-9 and the inverse-square-root schedule after a warm-up. Two defaults
 * depart from the paper: <b>no label smoothing</b> (ε_ls = 0, as {@code torch.nn.CrossEntropyLoss};
 * the paper's 0.1 puts a floor of about 0.5 nats under the loss on small vocabularies, which reads
 * as a model that cannot learn) and gradient clipping at norm 1. Weight decay is 0; with a decay,
 * {@link WeightDecayScope#MATRICES} spares biases and norms.
 *
 * <pre>{@code
 * TrainerConfig t = TrainerConfig.defaults(2000).withLearningRate(2e-3).withWarmup(100).withAccumulation(2)
 *         .withEvaluation(200).withLabelSmoothing(0.1);                           // the paper's smoothing
 * TrainerConfig same = t.toBuilder().weightDecay(0.1).weightDecayScope(WeightDecayScope.MATRICES).build();
 * }</pre>
 *
 * @param steps                the step to train up to (a resumed run counts the steps before it)
 * @param seed                 the seed of the batch order
 * @param accumulation         micro-batches whose gradients make one step (≥ 1)
 * @param learningRate         the peak learning rate (reached at the end of the warm-up)
 * @param warmup               warm-up steps (≥ 1)
 * @param schedule             the shape of the learning-rate curve
 * @param weightDecay          the optimizer's weight decay λ (decoupled for AdamW)
 * @param weightDecayScope     which parameters the weight decay applies to
 * @param beta1                Adam's β1
 * @param beta2                Adam's β2
 * @param eps                  Adam's ε
 * @param labelSmoothing       ε_ls of the cross-entropy, in [0, 1)
 * @param clipNorm             the largest global gradient norm (0 disables clipping)
 * @param evalEvery            evaluate every this many steps (0: only at the end)
 * @param maxConsecutiveSkips  stop after this many consecutive steps with a non-finite loss or gradient
 */
public record TrainerConfig(long steps, long seed, int accumulation, double learningRate, long warmup, Schedule schedule,
                            double weightDecay, WeightDecayScope weightDecayScope, double beta1, double beta2, double eps,
                            double labelSmoothing, double clipNorm, long evalEvery, int maxConsecutiveSkips) {

    /** The learning-rate curve; each reaches {@code learningRate} at step {@code warmup}. */
    public enum Schedule {
        /** Vaswani et al., eq. 3: linear warm-up, then {@code ∝ step^−0.5}. */
        INVERSE_SQRT,
        /** Linear warm-up, then a half cosine to 0 at the last step. */
        COSINE,
        /** Linear warm-up, then constant. */
        CONSTANT
    }

    /** Which parameters weight decay applies to: the optimizer's parameter groups. */
    public enum WeightDecayScope {
        /** Every parameter (one group). */
        ALL,
        /** Only parameters of two or more dimensions: no decay on biases and norm gains (nanoGPT's groups). */
        MATRICES
    }

    /**
     * Checks every value.
     *
     * @param steps                the step to train up to, at least 1
     * @param seed                 any value
     * @param accumulation         micro-batches per step, at least 1
     * @param learningRate         the peak learning rate, finite and greater than 0
     * @param warmup               warm-up steps, at least 1
     * @param schedule             not null
     * @param weightDecay          finite and at least 0 (0 disables weight decay)
     * @param weightDecayScope     not null
     * @param beta1                in {@code [0, 1)}
     * @param beta2                in {@code [0, 1)}
     * @param eps                  greater than 0
     * @param labelSmoothing       in {@code [0, 1)}
     * @param clipNorm             finite and at least 0 (0 disables clipping)
     * @param evalEvery            at least 0 (0: evaluate only at the end)
     * @param maxConsecutiveSkips  at least 1
     * @throws IllegalArgumentException naming the first value outside its range
     */
    public TrainerConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1 but got " + steps);
        }
        if (accumulation < 1) {
            throw new IllegalArgumentException("accumulation must be >= 1 micro-batch but got " + accumulation);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0 but got " + learningRate);
        }
        if (warmup < 1) {
            throw new IllegalArgumentException("warmup must be >= 1 step but got " + warmup);
        }
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(weightDecayScope, "weightDecayScope");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0 but got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1) but got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0 but got " + eps);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1) but got " + labelSmoothing);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be finite and >= 0 (0 disables it) but got " + clipNorm);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be >= 0 but got " + evalEvery);
        }
        if (maxConsecutiveSkips < 1) {
            throw new IllegalArgumentException("maxConsecutiveSkips must be >= 1 but got " + maxConsecutiveSkips);
        }
    }

    /**
     * {@code steps} steps with the defaults: peak learning rate 1e-3 after {@code min(400, max(1, steps/10))}
     * warm-up steps, then the inverse-square-root decay; AdamW β = (0.9, 0.98), ε = 1e-9, no weight
     * decay; no label smoothing; clipping at norm 1; batches in the order of seed 0; no evaluation
     * before the end; stop after 3 consecutive skipped steps.
     *
     * @param steps the step to train up to, at least 1; also sets the warm-up to a tenth of it (at most 400)
     * @return the paper's optimizer settings, departing from it as the class documentation says
     */
    public static TrainerConfig defaults(long steps) {
        return new TrainerConfig(steps, 0, 1, 1e-3, Math.min(400, Math.max(1, steps / 10)), Schedule.INVERSE_SQRT, 0.0,
                WeightDecayScope.ALL, 0.9, 0.98, 1e-9, 0.0, 1.0, 0, 3);
    }

    /**
     * The learning rate of optimizer step {@code s} (from 1) for a model of width {@code dModel}.
     *
     * @param dModel the model width {@code d_model}; the inverse-square-root curve is scaled so its peak is still {@code learningRate}
     * @return the schedule the optimizer follows, by {@link #schedule()}
     */
    public LrSchedule lrSchedule(int dModel) {
        return switch (schedule) {
            // eq. 3 peaks at (dModel·warmup)^−0.5 times the factor; choose the factor so the peak is learningRate
            case INVERSE_SQRT -> LrSchedule.inverseSqrt(dModel, warmup, learningRate * Math.sqrt((double) dModel * warmup));
            case COSINE -> warmup < steps ? LrSchedule.cosine(learningRate, warmup, steps, 0.0)
                    : LrSchedule.linearWarmup(learningRate, warmup);
            case CONSTANT -> LrSchedule.linearWarmup(learningRate, warmup);
        };
    }

    /**
     * A builder starting from these settings.
     *
     * @return a builder holding every setting; {@link Builder#build()} checks them again
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * With {@code n} steps.
     *
     * @param n the step to train up to, at least 1 (the warm-up is left as it is)
     * @return a copy with the new step count
     */
    public TrainerConfig withSteps(long n) {
        return toBuilder().steps(n).build();
    }

    /**
     * With another data seed.
     *
     * @param s the seed of the batch order; equal seeds draw equal batches
     * @return a copy with the new seed
     */
    public TrainerConfig withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    /**
     * With {@code n} micro-batches per step.
     *
     * @param n micro-batches whose gradients are averaged into one step, at least 1 (an effective batch of {@code n} times the batch)
     * @return a copy with the new accumulation
     */
    public TrainerConfig withAccumulation(int n) {
        return toBuilder().accumulation(n).build();
    }

    /**
     * With peak learning rate {@code lr}.
     *
     * @param lr the peak learning rate reached at the end of the warm-up, finite and greater than 0
     * @return a copy with the new learning rate
     */
    public TrainerConfig withLearningRate(double lr) {
        return toBuilder().learningRate(lr).build();
    }

    /**
     * With {@code n} warm-up steps.
     *
     * @param n warm-up steps, at least 1
     * @return a copy with the new warm-up
     */
    public TrainerConfig withWarmup(long n) {
        return toBuilder().warmup(n).build();
    }

    /**
     * With another schedule.
     *
     * @param s the learning-rate curve after the warm-up; not null
     * @return a copy with the new schedule
     */
    public TrainerConfig withSchedule(Schedule s) {
        return toBuilder().schedule(s).build();
    }

    /**
     * With weight decay λ.
     *
     * @param lambda the decoupled weight decay, finite and at least 0 (0 disables it)
     * @return a copy with the new weight decay (the scope is unchanged)
     */
    public TrainerConfig withWeightDecay(double lambda) {
        return toBuilder().weightDecay(lambda).build();
    }

    /**
     * With label smoothing ε.
     *
     * @param e the label-smoothing ε_ls in {@code [0, 1)}; the paper uses 0.1
     * @return a copy with the new label smoothing
     */
    public TrainerConfig withLabelSmoothing(double e) {
        return toBuilder().labelSmoothing(e).build();
    }

    /**
     * With gradient clipping at global norm {@code max} (0 disables it).
     *
     * @param max the largest global gradient norm, finite and at least 0
     * @return a copy with the new clipping
     */
    public TrainerConfig withClipNorm(double max) {
        return toBuilder().clipNorm(max).build();
    }

    /**
     * Evaluating every {@code n} steps.
     *
     * @param n the evaluation period in steps, at least 0 (0: only at the end)
     * @return a copy with the new evaluation period
     */
    public TrainerConfig withEvaluation(long n) {
        return toBuilder().evalEvery(n).build();
    }

    /**
     * Stopping after {@code n} consecutive skipped steps.
     *
     * @param n how many consecutive steps with a non-finite loss or gradient end the run as diverged, at least 1
     * @return a copy with the new limit
     */
    public TrainerConfig withMaxConsecutiveSkips(int n) {
        return toBuilder().maxConsecutiveSkips(n).build();
    }

    /** Changes some settings of a {@link TrainerConfig}; {@link #build} checks them all. */
    public static final class Builder {
        private long steps;
        private long seed;
        private int accumulation;
        private double learningRate;
        private long warmup;
        private Schedule schedule;
        private double weightDecay;
        private WeightDecayScope weightDecayScope;
        private double beta1;
        private double beta2;
        private double eps;
        private double labelSmoothing;
        private double clipNorm;
        private long evalEvery;
        private int maxConsecutiveSkips;

        private Builder(TrainerConfig c) {
            steps = c.steps;
            seed = c.seed;
            accumulation = c.accumulation;
            learningRate = c.learningRate;
            warmup = c.warmup;
            schedule = c.schedule;
            weightDecay = c.weightDecay;
            weightDecayScope = c.weightDecayScope;
            beta1 = c.beta1;
            beta2 = c.beta2;
            eps = c.eps;
            labelSmoothing = c.labelSmoothing;
            clipNorm = c.clipNorm;
            evalEvery = c.evalEvery;
            maxConsecutiveSkips = c.maxConsecutiveSkips;
        }

        /**
         * @param v the step to train up to, at least 1
         * @return this builder, for chaining
         * @see TrainerConfig#steps()
         */
        public Builder steps(long v) {
            steps = v;
            return this;
        }

        /**
         * @param v the seed of the batch order
         * @return this builder, for chaining
         * @see TrainerConfig#seed()
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v micro-batches per step, at least 1
         * @return this builder, for chaining
         * @see TrainerConfig#accumulation()
         */
        public Builder accumulation(int v) {
            accumulation = v;
            return this;
        }

        /**
         * @param v the peak learning rate, finite and greater than 0
         * @return this builder, for chaining
         * @see TrainerConfig#learningRate()
         */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * @param v warm-up steps, at least 1
         * @return this builder, for chaining
         * @see TrainerConfig#warmup()
         */
        public Builder warmup(long v) {
            warmup = v;
            return this;
        }

        /**
         * @param v the learning-rate curve; not null
         * @return this builder, for chaining
         * @see TrainerConfig#schedule()
         */
        public Builder schedule(Schedule v) {
            schedule = v;
            return this;
        }

        /**
         * @param v the weight decay λ, finite and at least 0
         * @return this builder, for chaining
         * @see TrainerConfig#weightDecay()
         */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * @param v all parameters, or only those of two or more dimensions; not null
         * @return this builder, for chaining
         * @see TrainerConfig#weightDecayScope()
         */
        public Builder weightDecayScope(WeightDecayScope v) {
            weightDecayScope = v;
            return this;
        }

        /**
         * Sets Adam's β1 and β2 ({@link TrainerConfig#beta1()}, {@link TrainerConfig#beta2()}).
         *
         * @param b1 the decay of the first moment, in {@code [0, 1)}
         * @param b2 the decay of the second moment, in {@code [0, 1)}
         * @return this builder, for chaining
         */
        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        /**
         * @param v Adam's ε added to the root of the second moment, greater than 0
         * @return this builder, for chaining
         * @see TrainerConfig#eps()
         */
        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /**
         * @param v label smoothing ε_ls in {@code [0, 1)}
         * @return this builder, for chaining
         * @see TrainerConfig#labelSmoothing()
         */
        public Builder labelSmoothing(double v) {
            labelSmoothing = v;
            return this;
        }

        /**
         * @param v the largest global gradient norm, finite and at least 0 (0 disables clipping)
         * @return this builder, for chaining
         * @see TrainerConfig#clipNorm()
         */
        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /**
         * @param v the evaluation period in steps, at least 0 (0: only at the end)
         * @return this builder, for chaining
         * @see TrainerConfig#evalEvery()
         */
        public Builder evalEvery(long v) {
            evalEvery = v;
            return this;
        }

        /**
         * @param v consecutive skipped steps that end the run, at least 1
         * @return this builder, for chaining
         * @see TrainerConfig#maxConsecutiveSkips()
         */
        public Builder maxConsecutiveSkips(int v) {
            maxConsecutiveSkips = v;
            return this;
        }

        /**
         * The settings, checked.
         *
         * @return an immutable configuration; this builder may be changed and built again
         * @throws IllegalArgumentException naming the first value outside its range
         */
        public TrainerConfig build() {
            return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, weightDecayScope,
                    beta1, beta2, eps, labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips);
        }
    }
}
