package dev.visor.cli;

import dev.visor.sweeps.MetricLine;
import dev.visor.sweeps.TrialContext;
import dev.visor.tensor.Rng;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.checkpoint.Checkpoint;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.BatchSource;
import dev.visor.transformer.train.CheckpointWriter;
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainerConfig;
import dev.visor.transformer.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place where a sweep trial calls the training code ({@link Trainer}, {@link TrainerConfig},
 * {@link Checkpoint}): trains a model for a trial, reports metrics at every evaluation, checkpoints
 * into the trial's folder, and resumes from a checkpoint found there. Kept small so that a change of
 * the Trainer's API touches only this class.
 *
 * <p><b>Determinism across a resume.</b> The batches of step {@code s} come from
 * {@code Rng(seed, s)} alone (not from the trainer's generator, which a resume re-seeds), and the
 * checkpoint holds the weights, the optimizer's buffers and the step; so a resumed trial without
 * dropout trains bit-identically to an uninterrupted one. Dropout masks come from the model's own
 * generators, which no checkpoint holds: with dropout a resumed trial is a valid run, not the same one.
 */
final class TrialTrainer {
    private TrialTrainer() {}

    /**
     * What a trial trains with.
     *
     * @param steps optimizer steps
     * @param lr peak AdamW learning rate
     * @param warmup warm-up steps
     * @param schedule the learning-rate curve after the warm-up: cosine, inverse_sqrt or constant
     * @param weightDecay AdamW weight decay
     * @param clip gradient-norm clipping (0: none)
     * @param evalEvery steps between evaluations (and metric lines)
     * @param seed the seed of the batches
     */
    record Settings(long steps, double lr, long warmup, String schedule, double weightDecay, double clip,
                    long evalEvery, long seed) {}

    /** The token rows of one step's language-model batch, drawn from the generator given (a pure function of it). */
    @FunctionalInterface
    interface StepData {
        int[][] rows(Rng rng);
    }

    /**
     * Trains {@code model}, resuming from the context's checkpoint when there is one.
     *
     * @param model the model, freshly built from the trial's config
     * @param s the settings
     * @param data the rows of a step's batch, drawn from the generator given
     * @param heldOut the evaluation rows
     * @param batch rows per evaluation batch
     * @param pad the padding id
     * @param context the trial's context
     * @return the final metrics: {@code train_loss} (nats per token, mean over the last evaluation
     *         interval), {@code held_out_bits_per_char} and {@code held_out_accuracy}
     * @throws IOException when the checkpoint cannot be read
     */
    static Map<String, Double> train(TransformerModel model, Settings s, StepData data, int[][] heldOut, int batch, int pad,
                                     TrialContext context) throws IOException {
        long every = context.checkpointEvery();
        if (every > 0 && every % s.evalEvery() != 0) {
            throw new IllegalArgumentException("run.checkpoint_every " + every + " must be a multiple of eval_every " + s.evalEvery()
                    + " so that a resumed trial reports the same metrics as an uninterrupted one");
        }
        TrainerConfig.Schedule schedule;
        try {
            schedule = TrainerConfig.Schedule.valueOf(s.schedule().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule must be cosine, inverse_sqrt or constant but is '" + s.schedule() + "'", e);
        }
        List<Batch> held = new ArrayList<>();
        for (int i = 0; i < heldOut.length; i += batch) {
            held.add(Batch.languageModel(Arrays.copyOfRange(heldOut, i, Math.min(heldOut.length, i + batch)), pad));
        }
        TrainerConfig config = TrainerConfig.defaults(s.steps()).toBuilder().seed(s.seed()).learningRate(s.lr()).warmup(s.warmup())
                .schedule(schedule).weightDecay(s.weightDecay()).clipNorm(s.clip()).labelSmoothing(0)
                .evalEvery(s.evalEvery()).maxConsecutiveSkips(10).build();
        Trainer trainer = new Trainer(model, config);
        Path dir = context.checkpointDirectory();
        if (every > 0 && Files.isRegularFile(dir.resolve(Checkpoint.MODEL))) {
            Checkpoint c = Checkpoint.read(dir);
            trainer.resumeFrom(c);
            context.resumedAt(c.step());
            List<MetricLine> h = context.history();
            if (c.step() >= s.steps() && !h.isEmpty() && h.get(h.size() - 1).step() == c.step()) {
                return new LinkedHashMap<>(h.get(h.size() - 1).values());   // killed after its last checkpoint: nothing left to train
            }
        }
        long[] next = {trainer.step()};
        BatchSource source = ignored -> Batch.languageModel(data.rows(new Rng(s.seed() * 0x9E3779B97F4A7C15L + ++next[0])), pad);
        double[] window = {0, 0};   // sum and count of training losses since the last evaluation
        Map<String, Double> last = new LinkedHashMap<>();
        CheckpointWriter writer = CheckpointWriter.to(dir);
        long[] saved = {-1};
        TrainingListener metrics = TrainingListener.onStep(r -> {
            window[0] += r.loss();
            window[1]++;
            context.progress(r.step(), s.steps());
        }).andThen(TrainingListener.onEvaluation(e -> {
            last.clear();
            last.put("train_loss", window[1] == 0 ? Double.NaN : window[0] / window[1]);
            last.put("held_out_bits_per_char", e.evaluation().loss() / Math.log(2));
            last.put("held_out_accuracy", e.evaluation().tokenAccuracy());
            window[0] = 0;
            window[1] = 0;
            context.report(e.step(), last);
            // saved after the step's metrics are reported, so a resumed trial's history is complete
            if (every > 0 && e.step() % every == 0) {
                trainer.saveCheckpoint(writer, dir.toString());
                saved[0] = e.step();
            }
        }));
        trainer.train(source, Evaluator.teacherForced(held), metrics);
        if (every > 0 && saved[0] != trainer.step()) trainer.saveCheckpoint(writer, dir.toString());
        return last;
    }
}
