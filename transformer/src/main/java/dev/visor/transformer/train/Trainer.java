package dev.visor.transformer.train;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Reduction;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Gradients;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.EncoderOnlyTransformer;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains a model as in Vaswani et al. (2017), §5: label-smoothed cross-entropy over the non-padding
 * targets, AdamW with a warm-up schedule, gradient clipping, and gradient accumulation — the
 * micro-batches of a step are summed and divided by their total target count, so accumulating k
 * micro-batches is the same update as one batch k times larger.
 *
 * <p><b>Robustness.</b> A step whose loss or gradient is not finite makes no update (the schedule does
 * not advance either) and is reported to the listener; {@code maxConsecutiveSkips} of them in a row
 * stop training with a {@link TrainingDivergedException}. Checkpoints are only written after good
 * steps and atomically, so nothing already saved is lost.
 *
 * <p><b>Reproducibility.</b> Batches are drawn from {@code Rng(seed)}, the model's dropout from its own
 * seeded generators: the same config, trainer config and data source give bit-identical weights on the
 * same JDK and thread count.
 *
 * <pre>{@code
 * Trainer trainer = new Trainer(model, TrainerConfig.defaults(3000).withLearningRate(2e-3).withEvaluation(500));
 * TrainingResult r = trainer.train(task.batches(64, BOS, EOS, PAD), Evaluator.greedy(src, tgt, 100), listener);
 * }</pre>
 */
public final class Trainer {
    private final TransformerModel model;
    private final TrainerConfig config;
    private final AdamW optimizer;
    private long step;

    /** A trainer for {@code model} starting at step 0 with a fresh optimizer. */
    public Trainer(TransformerModel model, TrainerConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.optimizer = new AdamW(model.namedParameters(), AdamW.options(config.learningRate())
                .withBetas(config.beta1(), config.beta2()).withEps(config.eps()).withWeightDecay(config.weightDecay()));
        optimizer.setSchedule(config.lrSchedule(model.config().dModel()));
    }

    /**
     * Continues from {@code checkpoint}: loads its weights into the model and its optimizer state, and
     * sets the step. (Batches after a resume come from {@code Rng(seed)} mixed with the step, so they
     * differ from those an uninterrupted run would have drawn.)
     *
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

    /** Runs until {@code config.steps()} steps have been attempted. */
    public TrainingResult train(BatchSource source, Evaluator evaluator, TrainingListener listener) {
        Objects.requireNonNull(source, "source");
        TrainingListener out = listener == null ? TrainingListener.NONE : listener;
        Rng data = new Rng(step == 0 ? config.seed() : config.seed() * 0x9E3779B97F4A7C15L + step);
        List<TrainingListener.SkippedStep> skipped = new ArrayList<>();
        List<TrainingListener.SkippedStep> run = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        double lastLoss = Double.NaN;
        model.train();
        long lastEval = -1;
        while (step < config.steps()) {
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
            List<String> badGrads = Gradients.nonFinite(model.namedParameters());
            if (total == 0 || !Double.isFinite(loss) || !badGrads.isEmpty()) {
                TrainingListener.SkippedStep s = new TrainingListener.SkippedStep(step, total == 0 ? Double.NaN : loss,
                        badGrads, run.size() + 1);
                optimizer.zeroGrad();
                run.add(s);
                skipped.add(s);
                out.onSkippedStep(s);
                if (run.size() >= config.maxConsecutiveSkips()) {
                    StringBuilder msg = new StringBuilder("training stopped at step " + step + " after " + run.size()
                            + " consecutive steps with a non-finite loss or gradient (");
                    msg.append(total == 0 ? "no target tokens" : s.describe()).append(")");
                    if (config.checkpointDir() != null) {
                        msg.append("; checkpoints saved before are intact in ").append(config.checkpointDir());
                    }
                    throw new TrainingDivergedException(msg.toString(), run);
                }
                continue;
            }
            run.clear();
            double norm = config.clipNorm() > 0 ? Gradients.clipGradNorm(model.parameters(), config.clipNorm())
                    : Gradients.totalNorm(model.parameters());
            optimizer.step();
            lastLoss = loss;
            out.onStep(new TrainingListener.StepReport(step, loss, (double) correct / total, total, optimizer.lr(), norm,
                    (System.nanoTime() - t0) / 1e9));
            if (evaluator != null && config.evalEvery() > 0 && step % config.evalEvery() == 0) {
                evaluations.add(evaluate(evaluator, out));
                lastEval = step;
            }
            if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
                checkpoint(out);
            }
        }
        optimizer.zeroGrad();
        if (evaluator != null && lastEval != step) {
            evaluations.add(evaluate(evaluator, out));
        }
        if (config.checkpointDir() != null && (config.checkpointEvery() == 0 || step % config.checkpointEvery() != 0)) {
            checkpoint(out);
        }
        return new TrainingResult(step, optimizer.steps(), lastLoss, List.copyOf(skipped), List.copyOf(evaluations));
    }

    /**
     * Accumulates into the parameters' gradients the gradient of
     * {@code Σ_micro CE_sum(micro) / total}, the label-smoothed cross-entropy per target token over all
     * micro-batches; returns {@code {loss, correct predictions}}.
     */
    double[] backward(List<Batch> micro, int total) {
        double loss = 0;
        long correct = 0;
        if (total == 0) {
            return new double[] {Double.NaN, 0};
        }
        for (Batch b : micro) {
            Tensor logits = logits(model, b);
            Tensor l = Functional.crossEntropy(logits, b.targets(), model.config().padId(), config.labelSmoothing(),
                    Reduction.SUM).div(total);
            loss += l.item();
            correct += correct(logits, b.targets(), model.config().padId());
            l.backward();
        }
        return new double[] {loss, correct};
    }

    private Evaluation evaluate(Evaluator evaluator, TrainingListener out) {
        Evaluation e = evaluator.evaluate(model);
        model.train();
        out.onEvaluation(step, e);
        return e;
    }

    /** Saves the model and optimizer to the configured checkpoint directory now. */
    public void checkpoint(TrainingListener listener) {
        if (config.checkpointDir() == null) {
            throw new IllegalStateException("no checkpoint directory is configured");
        }
        try {
            Checkpoint.save(config.checkpointDir(), model, optimizer.stateDict(), step);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the checkpoint of step " + step + " to " + config.checkpointDir(), e);
        }
        (listener == null ? TrainingListener.NONE : listener).onCheckpoint(step, config.checkpointDir());
    }

    /** The optimizer (AdamW). */
    public AdamW optimizer() {
        return optimizer;
    }

    /** Steps attempted so far (including skipped ones). */
    public long step() {
        return step;
    }

    /** The model being trained. */
    public TransformerModel model() {
        return model;
    }

    /** The logits a model gives for a batch, {@code (batch, L, classes)}. */
    static Tensor logits(TransformerModel model, Batch b) {
        if (model instanceof EncoderDecoderTransformer m) {
            if (b.source() == null) {
                throw new IllegalArgumentException("an encoder-decoder model needs batches with a source");
            }
            return m.forward(b.source(), b.input());
        }
        if (model instanceof DecoderOnlyTransformer m) {
            return m.forward(b.input());
        }
        if (model instanceof EncoderOnlyTransformer m) {
            return m.forward(b.input());
        }
        throw new IllegalArgumentException("cannot train a " + model.getClass().getSimpleName());
    }

    /** The argmax over the last dimension of every row. */
    static int[] argmax(Tensor logits) {
        float[] z = logits.toArray();
        int classes = logits.size(-1);
        int[] out = new int[z.length / classes];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[r * classes + c] > z[r * classes + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    private static long correct(Tensor logits, int[] targets, int pad) {
        int[] predicted = argmax(logits);
        long n = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != pad && predicted[i] == targets[i]) {
                n++;
            }
        }
        return n;
    }
}
