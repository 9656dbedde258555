package dev.visor.transformer.train;

import dev.visor.tensor.optim.LrSchedule;
import java.nio.file.Path;

/**
 * The settings of a training run. The defaults follow Vaswani et al. (2017), §5.3–5.4: AdamW with
 * β = (0.9, 0.98), ε = 1e-9, the inverse-square-root schedule with warm-up, label smoothing 0.1; plus
 * gradient clipping at norm 1 and no weight decay.
 *
 * <pre>{@code
 * TrainerConfig t = TrainerConfig.defaults(2000).withLearningRate(2e-3).withWarmup(100).withAccumulation(2)
 *         .withEvaluation(200).withCheckpoints(Path.of("runs/reverse"), 500);
 * }</pre>
 *
 * @param steps                optimizer steps to run
 * @param seed                 the seed of the batch order
 * @param accumulation         micro-batches whose gradients make one step (≥ 1)
 * @param learningRate         the peak learning rate (reached at the end of the warm-up)
 * @param warmup               warm-up steps (≥ 1)
 * @param schedule             the shape of the learning-rate curve
 * @param weightDecay          AdamW's decoupled weight decay λ
 * @param beta1                Adam's β1
 * @param beta2                Adam's β2
 * @param eps                  Adam's ε
 * @param labelSmoothing       ε_ls of the cross-entropy, in [0, 1)
 * @param clipNorm             the largest global gradient norm (0 disables clipping)
 * @param evalEvery            evaluate every this many steps (0: never)
 * @param maxConsecutiveSkips  stop after this many consecutive steps with a non-finite loss or gradient
 * @param checkpointDir        where periodic checkpoints go ({@code null}: none)
 * @param checkpointEvery      save every this many steps (0: only when asked)
 */
public record TrainerConfig(long steps, long seed, int accumulation, double learningRate, long warmup, Schedule schedule,
                            double weightDecay, double beta1, double beta2, double eps, double labelSmoothing,
                            double clipNorm, long evalEvery, int maxConsecutiveSkips, Path checkpointDir,
                            long checkpointEvery) {

    /** The learning-rate curve; each reaches {@code learningRate} at step {@code warmup}. */
    public enum Schedule {
        /** Vaswani et al., eq. 3: linear warm-up, then {@code ∝ step^−0.5}. */
        INVERSE_SQRT,
        /** Linear warm-up, then a half cosine to 0 at the last step. */
        COSINE,
        /** Linear warm-up, then constant. */
        CONSTANT
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
        java.util.Objects.requireNonNull(schedule, "schedule");
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
        if (evalEvery < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("evalEvery and checkpointEvery must be >= 0 but got " + evalEvery + " and "
                    + checkpointEvery);
        }
        if (maxConsecutiveSkips < 1) {
            throw new IllegalArgumentException("maxConsecutiveSkips must be >= 1 but got " + maxConsecutiveSkips);
        }
        if (checkpointEvery > 0 && checkpointDir == null) {
            throw new IllegalArgumentException("checkpointEvery=" + checkpointEvery + " needs a checkpointDir");
        }
    }

    /** {@code steps} steps with the defaults: lr 1e-3 after 400 warm-up steps (inverse sqrt), batches in order of seed 0. */
    public static TrainerConfig defaults(long steps) {
        return new TrainerConfig(steps, 0, 1, 1e-3, Math.min(400, Math.max(1, steps / 10)), Schedule.INVERSE_SQRT, 0.0, 0.9,
                0.98, 1e-9, 0.1, 1.0, 0, 3, null, 0);
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

    /** With {@code n} steps. */
    public TrainerConfig withSteps(long n) {
        return new TrainerConfig(n, seed, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With another data seed. */
    public TrainerConfig withSeed(long s) {
        return new TrainerConfig(steps, s, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With {@code n} micro-batches per step. */
    public TrainerConfig withAccumulation(int n) {
        return new TrainerConfig(steps, seed, n, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With peak learning rate {@code lr}. */
    public TrainerConfig withLearningRate(double lr) {
        return new TrainerConfig(steps, seed, accumulation, lr, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With {@code n} warm-up steps. */
    public TrainerConfig withWarmup(long n) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, n, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With another schedule. */
    public TrainerConfig withSchedule(Schedule s) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, s, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With AdamW weight decay λ. */
    public TrainerConfig withWeightDecay(double lambda) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, lambda, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With label smoothing ε. */
    public TrainerConfig withLabelSmoothing(double e) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps, e,
                clipNorm, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** With gradient clipping at global norm {@code max} (0 disables it). */
    public TrainerConfig withClipNorm(double max) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, max, evalEvery, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** Evaluating every {@code n} steps. */
    public TrainerConfig withEvaluation(long n) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, n, maxConsecutiveSkips, checkpointDir, checkpointEvery);
    }

    /** Stopping after {@code n} consecutive skipped steps. */
    public TrainerConfig withMaxConsecutiveSkips(int n) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, n, checkpointDir, checkpointEvery);
    }

    /** Saving a checkpoint to {@code dir} every {@code every} steps (and at the end). */
    public TrainerConfig withCheckpoints(Path dir, long every) {
        return new TrainerConfig(steps, seed, accumulation, learningRate, warmup, schedule, weightDecay, beta1, beta2, eps,
                labelSmoothing, clipNorm, evalEvery, maxConsecutiveSkips, dir, every);
    }
}
