package dev.visor.transformer.train;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.optim.Gradients;
import dev.visor.tensor.optim.Optimizer;
import dev.visor.tensor.optim.ParamGroups;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains any {@link TransformerModel} as in Vaswani et al. (2017), §5: the model's
 * {@link TransformerModel#loss loss} (label-smoothed cross-entropy over the non-padding targets by
 * default), an optimizer from an {@link OptimizerFactory} (AdamW unless told otherwise) with a
 * warm-up schedule, gradient clipping, and gradient accumulation — the micro-batches of a step are
 * summed and divided by their total target count, so accumulating k micro-batches is the same update
 * as one batch k times larger. The trainer calls nothing on the model but {@code loss}, so a model of
 * your own trains unchanged.
 *
 * <p><b>Callbacks.</b> Every step, skipped step, evaluation and checkpoint goes to one
 * {@link TrainingListener} (a lambda will do; combine several with {@code andThen}). Reusable ones:
 * {@link PeriodicCheckpoints} (a resumable checkpoint every N steps) and {@link BestCheckpoint} (the
 * weights of the best evaluation). A {@link StopCondition}, or {@link #requestStop()} from another
 * thread (e.g. a Ctrl-C handler), ends the run after the current step.
 *
 * <p><b>Robustness.</b> A step whose loss or gradient is not finite makes no update (the schedule does
 * not advance either) and is reported; {@code maxConsecutiveSkips} of them in a row stop training
 * with a {@link TrainingDivergedException}. Checkpoints are only written after good steps.
 *
 * <p><b>Threads.</b> With more than one kernel thread, a small model's step splits each batch by rows
 * across the threads (data parallelism, {@link GradientStep}); a large model's ops split their own
 * work instead. {@link #withParallelism} or the system property {@value StepParallelism#PROPERTY}
 * forces either. A batch that is not split across threads runs as length groups one after the other
 * when that saves at least a tenth of the padded work: a small model's the same groups its 2-thread
 * step runs as shards, a larger model's up to four groups of the least summed work ({@link GradientStep},
 * {@value GradientStep#GROUPS_PROPERTY}).
 *
 * <p><b>Reproducibility.</b> Batches are drawn from {@code Rng(seed)}, the model's dropout from its own
 * seeded generators (in data-parallel steps and length groups, from streams derived from them, the seed, the
 * step and the shard): the same config, trainer config and data source give bit-identical weights on the same JDK and
 * thread count.
 *
 * <pre>{@code
 * Trainer trainer = new Trainer(model, TrainerConfig.defaults(3000).withLearningRate(2e-3).withEvaluation(500));
 * TrainingResult r = trainer.train(task.batches(64, BOS, EOS, PAD), Evaluator.greedy(src, tgt, 100),
 *         TrainingListener.onEvaluation(e -> System.out.println(e.step() + ": " + e.evaluation()))
 *                 .andThen(new PeriodicCheckpoints(trainer, 500, Path.of("runs/reverse"))),
 *         StopCondition.onEvaluation(e -> e.sequenceAccuracy() >= 0.99));
 * }</pre>
 */
public final class Trainer {
    private final TransformerModel model;
    private final TrainerConfig config;
    private final Optimizer optimizer;
    private long step;
    private volatile boolean stopRequested;
    private TrainingListener current = TrainingListener.NONE;
    private StepParallelism parallelism = StepParallelism.AUTO;
    private GradientStep gradients;

    /**
     * A trainer for {@code model} starting at step 0 with a fresh AdamW.
     *
     * @param model the model to train in place; its parameters are the optimizer's
     * @param config the run's settings (steps, schedule, clipping, accumulation, evaluation period)
     */
    public Trainer(TransformerModel model, TrainerConfig config) {
        this(model, config, OptimizerFactory.adamW());
    }

    /**
     * A trainer for {@code model} starting at step 0 with a fresh optimizer from {@code optimizers},
     * over the parameter groups of {@link TrainerConfig#weightDecayScope()}.
     *
     * @param model the model to train in place; its parameters are the optimizer's
     * @param config the run's settings (steps, schedule, clipping, accumulation, evaluation period)
     * @param optimizers makes the optimizer from the parameter groups and the config (e.g. plain Adam or SGD for an experiment)
     */
    public Trainer(TransformerModel model, TrainerConfig config, OptimizerFactory optimizers) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(optimizers, "optimizers");
        ParamGroups groups = switch (config.weightDecayScope()) {
            case ALL -> ParamGroups.single(model.namedParameters());
            case MATRICES -> ParamGroups.decayMatricesOnly(model.namedParameters());
        };
        this.optimizer = Objects.requireNonNull(optimizers.create(groups, config), "the optimizer factory returned null");
        optimizer.setSchedule(config.lrSchedule(model.config().dModel()));
    }

    /**
     * Continues from {@code checkpoint}: loads its weights into the model and its optimizer state, and
     * sets the step. (Batches after a resume come from {@code Rng(seed)} mixed with the step, so they
     * differ from those an uninterrupted run would have drawn.)
     *
     * @param checkpoint a checkpoint of a model with this model's parameter names and shapes, with optimizer state of the same optimizer kind
     * @return this trainer, positioned at the checkpoint's step
     * @throws IllegalArgumentException when the checkpoint does not fit the model or has no optimizer state
     */
    public Trainer resumeFrom(Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (checkpoint.optimizer() == null) {
            throw new IllegalArgumentException("the checkpoint of step " + checkpoint.step() + " has no optimizer state to resume");
        }
        checkpoint.loadInto(model);
        optimizer.loadStateDict(checkpoint.optimizer());
        step = checkpoint.step();
        return this;
    }

    /**
     * Runs until step {@code config.steps()}; see {@link #train(BatchSource, Evaluator, TrainingListener, StopCondition)}.
     *
     * @param source draws each micro-batch
     * @param evaluator scores the model every {@code config.evalEvery()} steps and at the end
     * @param listener receives every step, evaluation and checkpoint event; {@link TrainingListener#NONE} for none
     * @return the steps reached, the last loss, every skipped step and evaluation
     */
    public TrainingResult train(BatchSource source, Evaluator evaluator, TrainingListener listener) {
        return train(source, evaluator, listener, StopCondition.NEVER);
    }

    /**
     * Runs until step {@code config.steps()} has been attempted, or until {@code stop} holds or
     * {@link #requestStop()} is called — then after the current step, with no further evaluation.
     * After the last step (not after a stop) the model is evaluated unless it just was.
     *
     * @param source    the training batches
     * @param evaluator measures the model every {@code evalEvery} steps, or {@code null}
     * @param listener  receives every event, or {@code null}
     * @param stop      when to end early, or {@code null} for never
     * @return the steps reached, the last loss, every skipped step and evaluation, and whether a stop ended the run early
     * @throws TrainingDivergedException after {@code maxConsecutiveSkips} non-finite steps in a row
     */
    public TrainingResult train(BatchSource source, Evaluator evaluator, TrainingListener listener, StopCondition stop) {
        Objects.requireNonNull(source, "source");
        StopCondition until = stop == null ? StopCondition.NEVER : stop;
        TrainingListener out = listener == null ? TrainingListener.NONE : listener;
        Rng data = new Rng(step == 0 ? config.seed() : config.seed() * 0x9E3779B97F4A7C15L + step);
        List<TrainingEvent.Skipped> skipped = new ArrayList<>();
        List<TrainingEvent.Skipped> run = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        double lastLoss = Double.NaN;
        boolean[] stopping = {stopRequested};
        current = event -> {
            out.on(event);
            stopping[0] |= until.shouldStop(event) || stopRequested;
        };
        model.train();
        long lastEval = -1;
        try {
            while (step < config.steps() && !stopping[0]) {
                step++;
                long t0 = System.nanoTime();
                List<Batch> micro = new ArrayList<>();
                int total = 0;
                for (int i = 0; i < config.accumulation(); i++) {
                    Batch b = source.next(data);
                    micro.add(b);
                    total += b.targetCount(model.config().padId());
                }
                optimizer.zeroGrad();
                double[] lossAndCorrect = backward(micro, total);
                double loss = lossAndCorrect[0];
                long correct = (long) lossAndCorrect[1];
                boolean lossOk = total != 0 && Double.isFinite(loss);
                // the norm is finite exactly when every gradient element is (squares of floats summed in double
                // cannot overflow), so the per-parameter scan for names runs only on a bad step; clipping leaves
                // gradients with a non-finite norm untouched
                double norm = !lossOk ? Double.NaN : config.clipNorm() > 0 ? Gradients.clipGradNorm(model.parameters(), config.clipNorm())
                        : Gradients.totalNorm(model.parameters());
                if (!lossOk || !Double.isFinite(norm)) {
                    List<String> badGrads = Gradients.nonFinite(model.namedParameters());
                    TrainingEvent.Skipped s = new TrainingEvent.Skipped(step, total == 0 ? Double.NaN : loss, badGrads, run.size() + 1);
                    optimizer.zeroGrad();
                    run.add(s);
                    skipped.add(s);
                    current.on(s);
                    if (run.size() >= config.maxConsecutiveSkips()) {
                        throw new TrainingDivergedException("training stopped at step " + step + " after " + run.size()
                                + " consecutive steps with a non-finite loss or gradient ("
                                + (total == 0 ? "no target tokens" : s.describe()) + "); checkpoints saved before are intact",
                                run);
                    }
                    continue;
                }
                run.clear();
                optimizer.step();
                lastLoss = loss;
                current.on(new TrainingEvent.Step(step, loss, (double) correct / total, total, optimizer.lr(), norm,
                        (System.nanoTime() - t0) / 1e9));
                if (evaluator != null && config.evalEvery() > 0 && step % config.evalEvery() == 0) {
                    evaluations.add(evaluate(evaluator));
                    lastEval = step;
                }
            }
            optimizer.zeroGrad();
            boolean stopped = step < config.steps();
            if (evaluator != null && !stopped && lastEval != step) {
                evaluations.add(evaluate(evaluator));
            }
            return new TrainingResult(step, optimizer.steps(), lastLoss, List.copyOf(skipped), List.copyOf(evaluations), stopped);
        } finally {
            current = TrainingListener.NONE;
        }
    }

    /**
     * Asks a running {@link #train} to stop after the step in progress; safe from any thread (a signal
     * handler, a watchdog). A run started afterwards stops before its first step.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Whether {@link #requestStop()} has been called.
     *
     * @return true once {@link #requestStop()} was called, until the trainer is discarded (it is never reset)
     */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Accumulates into the parameters' gradients the gradient of
     * {@code Σ_micro loss_sum(micro) / total}, the loss per target token over all micro-batches;
     * returns {@code {loss, correct predictions}}.
     */
    double[] backward(List<Batch> micro, int total) {
        if (gradients == null || gradients.mode() != parallelism) {
            gradients = new GradientStep(model, parallelism, config.seed());   // kept: its arenas are reused step to step
        }
        GradientStep.Result r = gradients.run(micro, total, config.labelSmoothing(), step);
        return new double[] {r.loss(), r.correct()};
    }

    /**
     * Sets how each step uses the kernel threads (default {@link StepParallelism#AUTO}: data-parallel
     * shards for small models, see {@link GradientStep}); the system property
     * {@value StepParallelism#PROPERTY} overrides {@code AUTO}.
     *
     * @param mode the mode for the following steps
     * @return this trainer
     */
    public Trainer withParallelism(StepParallelism mode) {
        this.parallelism = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * How steps use the kernel threads.
     *
     * @return the mode set with {@link #withParallelism}, {@link StepParallelism#AUTO} by default
     */
    public StepParallelism parallelism() {
        return parallelism;
    }

    private Evaluation evaluate(Evaluator evaluator) {
        Evaluation e = evaluator.evaluate(model);
        model.train();
        current.on(new TrainingEvent.Evaluated(step, e));
        return e;
    }

    /**
     * Writes the model and the optimizer state at the current step with {@code writer} now, and, during
     * {@link #train}, reports a {@link TrainingEvent.CheckpointSaved} to its listener.
     *
     * @param writer writes the model and optimizer state (the atomic safetensors writer in production, a recorder in tests)
     * @param location where the checkpoint goes, for the event
     * @throws UncheckedIOException when writing fails
     */
    public void saveCheckpoint(CheckpointWriter writer, String location) {
        Objects.requireNonNull(writer, "writer");
        try {
            writer.write(model, optimizer.stateDict(), step);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the checkpoint of step " + step + " to " + location, e);
        }
        current.on(new TrainingEvent.CheckpointSaved(step, location));
    }

    /**
     * The optimizer (AdamW unless another {@link OptimizerFactory} was given).
     *
     * @return the optimizer holding the moments and the step count that a checkpoint saves
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The settings.
     *
     * @return the settings this trainer was made with (immutable)
     */
    public TrainerConfig config() {
        return config;
    }

    /**
     * Steps attempted so far (including skipped ones and those before a resume).
     *
     * @return the step count, 0 before training; a resumed trainer starts at the checkpoint's step
     */
    public long step() {
        return step;
    }

    /**
     * The model being trained.
     *
     * @return the model passed to the constructor, updated in place by each step
     */
    public TransformerModel model() {
        return model;
    }

    /** The argmax over the last dimension of every row (dense logits read in place, not copied). */
    static int[] argmax(Tensor logits) {
        boolean dense = logits.isContiguous();
        float[] z = dense ? logits.storage() : logits.toArray();
        int at = dense ? logits.offset() : 0;
        int classes = logits.size(-1);
        int[] out = new int[logits.numel() / classes];
        for (int r = 0; r < out.length; r++) {
            int row = at + r * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[row + c] > z[row + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

}
