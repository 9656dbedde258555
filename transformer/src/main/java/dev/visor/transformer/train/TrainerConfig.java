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

    /** Checks every value. */
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
     */
    public static TrainerConfig defaults(long steps) {
        return new TrainerConfig(steps, 0, 1, 1e-3, Math.min(400, Math.max(1, steps / 10)), Schedule.INVERSE_SQRT, 0.0,
                WeightDecayScope.ALL, 0.9, 0.98, 1e-9, 0.0, 1.0, 0, 3);
    }

    /** The learning rate of optimizer step {@code s} (from 1) for a model of width {@code dModel}. */
    public LrSchedule lrSchedule(int dModel) {
        return switch (schedule) {
            // eq. 3 peaks at (dModel·warmup)^−0.5 times the factor; choose the factor so the peak is learningRate
            case INVERSE_SQRT -> LrSchedule.inverseSqrt(dModel, warmup, learningRate * Math.sqrt((double) dModel * warmup));
            case COSINE -> warmup < steps ? LrSchedule.cosine(learningRate, warmup, steps, 0.0)
                    : LrSchedule.linearWarmup(learningRate, warmup);
            case CONSTANT -> LrSchedule.linearWarmup(learningRate, warmup);
        };
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** With {@code n} steps. */
    public TrainerConfig withSteps(long n) {
        return toBuilder().steps(n).build();
    }

    /** With another data seed. */
    public TrainerConfig withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    /** With {@code n} micro-batches per step. */
    public TrainerConfig withAccumulation(int n) {
        return toBuilder().accumulation(n).build();
    }

    /** With peak learning rate {@code lr}. */
    public TrainerConfig withLearningRate(double lr) {
        return toBuilder().learningRate(lr).build();
    }

    /** With {@code n} warm-up steps. */
    public TrainerConfig withWarmup(long n) {
        return toBuilder().warmup(n).build();
    }

    /** With another schedule. */
    public TrainerConfig withSchedule(Schedule s) {
        return toBuilder().schedule(s).build();
    }

    /** With weight decay λ. */
    public TrainerConfig withWeightDecay(double lambda) {
        return toBuilder().weightDecay(lambda).build();
    }

    /** With label smoothing ε. */
    public TrainerConfig withLabelSmoothing(double e) {
        return toBuilder().labelSmoothing(e).build();
    }

    /** With gradient clipping at global norm {@code max} (0 disables it). */
    public TrainerConfig withClipNorm(double max) {
        return toBuilder().clipNorm(max).build();
    }

    /** Evaluating every {@code n} steps. */
    public TrainerConfig withEvaluation(long n) {
        return toBuilder().evalEvery(n).build();
    }

    /** Stopping after {@code n} consecutive skipped steps. */
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

        /** @see TrainerConfig#steps() */
        public Builder steps(long v) {
            steps = v;
            return this;
        }

        /** @see TrainerConfig#seed() */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** @see TrainerConfig#accumulation() */
        public Builder accumulation(int v) {
            accumulation = v;
            return this;
        }

        /** @see TrainerConfig#learningRate() */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** @see TrainerConfig#warmup() */
        public Builder warmup(long v) {
            warmup = v;
            return this;
        }

        /** @see TrainerConfig#schedule() */
        public Builder schedule(Schedule v) {
            schedule = v;
            return this;
        }

        /** @see TrainerConfig#weightDecay() */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /** @see TrainerConfig#weightDecayScope() */
        public Builder weightDecayScope(WeightDecayScope v) {
            weightDecayScope = v;
            return this;
        }

        /** Sets Adam's β1 and β2 ({@link TrainerConfig#beta1()}, {@link TrainerConfig#beta2()}). */
        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        /** @see TrainerConfig#eps() */
        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /** @see TrainerConfig#labelSmoothing() */
        public Builder labelSmoothing(double v) {
            labelSmoothing = v;
            return this;
        }

        /** @see TrainerConfig#clipNorm() */
        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        /** @see TrainerConfig#evalEvery() */
        public Builder evalEvery(long v) {
            evalEvery = v;
            return this;
        }

        /** @see TrainerConfig#maxConsecutiveSkips() */
        public Builder maxConsecutiveSkips(int v) {
            maxConsecutiveSkips = v;
            return this;
        }

        /** The settings, checked. */
        public TrainerConfig build() {
            return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, weightDecayScope,
                    beta1, beta2, eps, labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips);
        }
    }
}
