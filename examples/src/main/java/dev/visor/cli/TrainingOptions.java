package dev.visor.cli;

import dev.visor.transformer.train.TrainerConfig;
import picocli.CommandLine.Option;

/** The optimisation options shared by the training commands, with the demo's defaults. */
final class TrainingOptions {
    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: 1500; 600 for 'train lm').")
    Integer steps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.003", description = "Peak learning rate of AdamW (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "100", description = "Steps of linear warm-up (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--schedule", paramLabel = "cosine|inverse_sqrt|constant", defaultValue = "cosine",
            description = "Learning-rate curve after the warm-up (default: ${DEFAULT-VALUE}).")
    TrainerConfig.Schedule schedule;

    @Option(names = "--accumulation", paramLabel = "N", defaultValue = "1",
            description = "Batches whose gradients make one step (default: ${DEFAULT-VALUE}).")
    int accumulation;

    @Option(names = "--weight-decay", paramLabel = "L", defaultValue = "0.0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0", description = "Gradient-norm clipping, 0 for none (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0.0", description = "Label smoothing of the loss (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--eval-every", paramLabel = "N", description = "Steps between evaluations (default: 250; 100 for 'train lm').")
    Integer evalEvery;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the data order and the held-out set (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Cores the kernels use (default: all).")
    Integer threads;

    /**
     * Fills in the command's defaults for the options not given, then checks every value.
     *
     * @param defaultSteps the command's default --steps
     * @param defaultEvalEvery the command's default --eval-every
     */
    void check(int defaultSteps, int defaultEvalEvery) {
        if (steps == null) steps = defaultSteps;
        if (evalEvery == null) evalEvery = defaultEvalEvery;
        if (steps < 1) throw CliException.usage("--steps must be at least 1 but is " + steps);
        if (batch < 1) throw CliException.usage("--batch must be at least 1 but is " + batch);
        if (!(lr > 0) || !Double.isFinite(lr)) throw CliException.usage("--lr must be a positive number but is " + lr);
        if (warmup < 1) throw CliException.usage("--warmup must be at least 1 but is " + warmup);
        if (accumulation < 1) throw CliException.usage("--accumulation must be at least 1 but is " + accumulation);
        if (!(weightDecay >= 0)) throw CliException.usage("--weight-decay must be at least 0 but is " + weightDecay);
        if (!(clip >= 0)) throw CliException.usage("--clip must be at least 0 but is " + clip);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw CliException.usage("--label-smoothing must be in [0, 1) but is " + labelSmoothing);
        if (evalEvery < 1) throw CliException.usage("--eval-every must be at least 1 but is " + evalEvery);
        if (threads != null && threads < 1) throw CliException.usage("--threads must be at least 1 but is " + threads);
    }

    /**
     * The trainer settings for a run that ends at step {@code lastStep}.
     *
     * @param lastStep the step to stop at (previous steps of a resumed run plus {@code --steps})
     * @return the settings
     */
    TrainerConfig trainerConfig(long lastStep) {
        try {
            return TrainerConfig.defaults(lastStep).withSeed(seed).withLearningRate(lr).withWarmup(warmup).withSchedule(schedule)
                    .withAccumulation(accumulation).withWeightDecay(weightDecay).withLabelSmoothing(labelSmoothing)
                    .withClipNorm(clip).withEvaluation(evalEvery).withMaxConsecutiveSkips(10);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
    }
}
