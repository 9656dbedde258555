package dev.visor.cli;

import dev.visor.transformer.train.StepParallelism;
import dev.visor.transformer.train.TrainerConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The optimisation options every training command shares, with the demo's defaults, and
 * {@code --save-every}. A checkpoint stores them ({@link #toJson}); {@code --resume} reads them back
 * ({@link #resumeFrom}), and an option given on the command line overrides the stored value.
 */
final class TrainingOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--save-every", paramLabel = "N", defaultValue = "0",
            description = "Also save a resumable checkpoint every N steps (default: only at the end; Ctrl-C always saves).")
    long saveEvery;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: 1500; 600 for 'train lm'); with --resume, steps beyond the checkpoint's.")
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

    @Option(names = "--decay-scope", paramLabel = "all|matrices", defaultValue = "all",
            description = "Parameters the weight decay applies to; matrices spares biases and norms (default: ${DEFAULT-VALUE}).")
    TrainerConfig.WeightDecayScope decayScope;

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

    @Option(names = "--step-parallelism", paramLabel = "auto|data|intra-op", defaultValue = "auto",
            description = "How a step uses the cores: split the batch across them (data), split every op (intra-op), "
                    + "or data for small models (default: ${DEFAULT-VALUE}).")
    String stepParallelism;

    /** The parsed --step-parallelism, set by {@link #check}. */
    StepParallelism parallelism = StepParallelism.AUTO;

    /** The step the run trains up to: set by {@link #check}, or by {@link #resumeFrom} from the checkpoint. */
    long lastStep;

    /** Whether {@code -Dvisor.maxSteps} cut the steps (smoke tests of the documented commands). */
    boolean capped;

    /**
     * Fills in the command's defaults for the options not given, then checks every value.
     *
     * @param defaultSteps the command's default --steps
     * @param defaultEvalEvery the command's default --eval-every
     */
    void check(int defaultSteps, int defaultEvalEvery) {
        if (steps == null) steps = defaultSteps;
        if (evalEvery == null) evalEvery = defaultEvalEvery;
        Integer cap = Integer.getInteger("visor.maxSteps");   // .ci/readme-commands runs every documented command briefly
        if (cap != null && steps > Math.max(1, cap)) {
            steps = Math.max(1, cap);
            evalEvery = Math.min(evalEvery, steps);
            capped = true;
        }
        if (steps < 1) throw CliException.usage("--steps must be at least 1 but is " + steps);
        if (batch < 1) throw CliException.usage("--batch must be at least 1 but is " + batch);
        if (!(lr > 0) || !Double.isFinite(lr)) throw CliException.usage("--lr must be a positive number but is " + lr);
        if (warmup < 1) throw CliException.usage("--warmup must be at least 1 but is " + warmup);
        if (accumulation < 1) throw CliException.usage("--accumulation must be at least 1 but is " + accumulation);
        if (!(weightDecay >= 0)) throw CliException.usage("--weight-decay must be at least 0 but is " + weightDecay);
        if (!(clip >= 0)) throw CliException.usage("--clip must be at least 0 but is " + clip);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw CliException.usage("--label-smoothing must be in [0, 1) but is " + labelSmoothing);
        if (evalEvery < 1) throw CliException.usage("--eval-every must be at least 1 but is " + evalEvery);
        if (saveEvery < 0) throw CliException.usage("--save-every must be at least 0 (0: only at the end) but is " + saveEvery);
        if (threads != null && threads < 1) throw CliException.usage("--threads must be at least 1 but is " + threads);
        try {
            parallelism = StepParallelism.parse(stepParallelism);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--step-parallelism must be auto, data or intra-op but is '" + stepParallelism + "'", e);
        }
        lastStep = steps;
    }

    /** @return whether {@code name} (e.g. "--lr") was given on the command line */
    boolean given(String name) {
        return command != null && command.commandLine() != null && command.commandLine().getParseResult() != null
                && command.commandLine().getParseResult().hasMatchedOption(name);
    }

    /**
     * Takes the stored settings of a checkpoint for every option not given, and sets the last step:
     * the checkpoint's step plus {@code --steps} when given, else the step the run had planned.
     *
     * @param stored the checkpoint's {@link #toJson} (empty for checkpoints of older versions)
     * @param step the checkpoint's step
     * @throws CliException (usage) when the checkpoint already reached its planned step and no --steps is given
     */
    void resumeFrom(Map<String, Object> stored, long step) {
        if (!given("--batch") && stored.get("batch") instanceof Number n) batch = n.intValue();
        if (!given("--lr") && stored.get("lr") instanceof Number n) lr = n.doubleValue();
        if (!given("--warmup") && stored.get("warmup") instanceof Number n) warmup = n.intValue();
        if (!given("--schedule") && stored.get("schedule") instanceof String s) schedule = TrainerConfig.Schedule.valueOf(s.toUpperCase(Locale.ROOT));
        if (!given("--accumulation") && stored.get("accumulation") instanceof Number n) accumulation = n.intValue();
        if (!given("--weight-decay") && stored.get("weight_decay") instanceof Number n) weightDecay = n.doubleValue();
        if (!given("--decay-scope") && stored.get("decay_scope") instanceof String s) {
            decayScope = TrainerConfig.WeightDecayScope.valueOf(s.toUpperCase(Locale.ROOT));
        }
        if (!given("--clip") && stored.get("clip") instanceof Number n) clip = n.doubleValue();
        if (!given("--label-smoothing") && stored.get("label_smoothing") instanceof Number n) labelSmoothing = n.doubleValue();
        if (!given("--eval-every") && stored.get("eval_every") instanceof Number n) evalEvery = n.intValue();
        if (!given("--seed") && stored.get("seed") instanceof Number n) seed = n.longValue();
        if (!given("--save-every") && stored.get("save_every") instanceof Number n) saveEvery = n.longValue();
        if (given("--steps")) {
            lastStep = step + steps;
        } else if (stored.get("last_step") instanceof Number n && n.longValue() > step) {
            lastStep = n.longValue();
        } else {
            throw CliException.usage("the checkpoint has already trained its " + step + " " + Plural.of(step, "step")
                    + "; give --steps N to train N more");
        }
        steps = (int) (lastStep - step);
    }

    /** @return the settings a checkpoint stores for --resume */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("last_step", lastStep);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("warmup", warmup);
        m.put("schedule", schedule.name().toLowerCase(Locale.ROOT));
        m.put("accumulation", accumulation);
        m.put("weight_decay", weightDecay);
        m.put("decay_scope", decayScope.name().toLowerCase(Locale.ROOT));
        m.put("clip", clip);
        m.put("label_smoothing", labelSmoothing);
        m.put("eval_every", evalEvery);
        m.put("seed", seed);
        m.put("save_every", saveEvery);
        return m;
    }

    /** @return the trainer settings for a run that ends at {@link #lastStep} */
    TrainerConfig trainerConfig() {
        try {
            return TrainerConfig.defaults(lastStep).toBuilder().seed(seed).learningRate(lr).warmup(warmup).schedule(schedule)
                    .accumulation(accumulation).weightDecay(weightDecay).weightDecayScope(decayScope).labelSmoothing(labelSmoothing)
                    .clipNorm(clip).evalEvery(evalEvery).maxConsecutiveSkips(10).build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
    }
}
