package dev.visor.cli;

import dev.visor.tasks.Example;
import dev.visor.tasks.Split;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.checkpoint.Checkpoint;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.BatchSource;
import dev.visor.transformer.train.Evaluation;
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainingDivergedException;
import dev.visor.transformer.train.TrainingListener;
import dev.visor.transformer.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains an encoder-decoder on a synthetic task with the framework's {@link Trainer} (label-smoothed
 * cross-entropy over non-padding targets, AdamW with warm-up, clipping, non-finite steps skipped),
 * drawing batches from a {@link Split} so the held-out inputs are never trained on, evaluating
 * exact-match accuracy of greedy decoding every {@code --eval-every} steps, and stopping early once
 * it reaches the target.
 *
 * <pre>{@code
 * Seq2SeqTraining t = new Seq2SeqTraining(model, split, vocab, options, maxOutput, null);
 * Seq2SeqTraining.Result r = t.run(progress, 0.99);
 * }</pre>
 */
final class Seq2SeqTraining {
    private static final int EVAL_BATCH = 256;

    private final EncoderDecoderTransformer model;
    private final Split split;
    private final Vocabulary vocab;
    private final TrainingOptions options;
    private final int maxOutput;
    private final Trainer trainer;
    private final long startStep;

    /**
     * The outcome of a run.
     *
     * @param steps steps taken in this run (skipped ones included)
     * @param totalSteps steps taken by the model so far, earlier runs included
     * @param exactMatch held-out exact-match accuracy at the end
     * @param loss the last training loss
     * @param seconds wall time
     * @param skipped steps skipped for non-finite values
     */
    record Result(long steps, long totalSteps, double exactMatch, double loss, double seconds, int skipped) {}

    /** Thrown by the listener to end training once the target is reached. */
    private static final class TargetReached extends RuntimeException {
        TargetReached() {
            super(null, null, false, false);
        }
    }

    /**
     * Prepares a run.
     *
     * @param model the model (trained in place)
     * @param split the data
     * @param vocab the vocabulary
     * @param options the optimisation options
     * @param maxOutput the longest output decoded during evaluation
     * @param resume the checkpoint to continue (optimizer state and step), or null
     */
    Seq2SeqTraining(EncoderDecoderTransformer model, Split split, Vocabulary vocab, TrainingOptions options, int maxOutput,
                    Checkpoint resume) {
        this.model = model;
        this.split = split;
        this.vocab = vocab;
        this.options = options;
        this.maxOutput = maxOutput;
        this.startStep = resume == null ? 0 : resume.step();
        Trainer t = new Trainer(model, options.trainerConfig(startStep + options.steps));
        if (resume != null) {
            if (resume.optimizer() == null) {
                throw CliException.failure("the checkpoint has no optimizer.safetensors, so training cannot resume from it");
            }
            try {
                t = t.resumeFrom(resume);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw CliException.failure("cannot resume: " + Errors.oneLine(e), e);
            }
        }
        this.trainer = t;
    }

    /** @return the trainer (its optimizer state goes into the checkpoint) */
    Trainer trainer() {
        return trainer;
    }

    /**
     * Trains.
     *
     * @param progress where progress goes
     * @param target stop once held-out exact match reaches this (e.g. 0.99); above 1 never stops early
     * @return the outcome
     * @throws CliException if training diverges; nothing is saved then
     */
    Result run(Progress progress, double target) {
        BatchSource source = rng -> {
            List<Example> examples = split.trainingBatch(rng, options.batch);
            int[][] src = new int[examples.size()][];
            int[][] tgt = new int[examples.size()][];
            for (int i = 0; i < src.length; i++) {
                src[i] = SourceTokens.withEos(vocab.encode(examples.get(i).source()), vocab);
                tgt[i] = vocab.encode(examples.get(i).target());
            }
            return Batch.seq2seq(src, tgt, vocab.bosId(), vocab.eosId(), vocab.padId());
        };
        List<Example> test = split.test();
        int[][] testSrc = new int[test.size()][];
        int[][] testTgt = new int[test.size()][];
        for (int i = 0; i < test.size(); i++) {
            testSrc[i] = SourceTokens.withEos(vocab.encode(test.get(i).source()), vocab);
            testTgt[i] = vocab.encode(test.get(i).target());
        }
        Evaluator heldOut = Evaluator.greedy(testSrc, testTgt, EVAL_BATCH);
        double[] last = {Double.NaN, Double.NaN};   // loss, exact match
        int[] skipped = {0};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                last[0] = r.loss();
                progress.update((int) (r.step() - startStep), r.loss(), r.tokenAccuracy(), r.tokens());
            }

            @Override
            public void onSkippedStep(SkippedStep s) {
                skipped[0]++;
                progress.note("  step " + s.step() + " skipped: " + s.describe());
            }

            @Override
            public void onEvaluation(long step, Evaluation e) {
                last[1] = e.sequenceAccuracy();
                progress.note(String.format(Locale.ROOT, "  step %d: held-out exact match %.1f %% (%d of %d)", step,
                        100 * e.sequenceAccuracy(), Math.round(e.sequenceAccuracy() * test.size()), test.size()));
                if (e.sequenceAccuracy() >= target) throw new TargetReached();
            }
        };
        try {
            TrainingResult r = trainer.train(source, heldOut, listener);
            if (r.lastEvaluation() != null) last[1] = r.lastEvaluation().sequenceAccuracy();
        } catch (TargetReached reached) {
            // the listener stopped the run: the model is where the evaluation found it
        } catch (TrainingDivergedException e) {
            progress.finish();
            throw CliException.failure(Errors.oneLine(e) + "; lower --lr (now " + options.lr + "); nothing was saved", e);
        }
        model.eval();
        progress.finish();
        return new Result(trainer.step() - startStep, trainer.step(), last[1], last[0], progress.elapsedSeconds(), skipped[0]);
    }

    /**
     * Greedy decoding of some sources.
     *
     * @param model the model
     * @param vocab the vocabulary
     * @param sources the inputs
     * @param maxOutput the longest output
     * @return one output symbol list per input
     */
    static List<List<String>> decode(EncoderDecoderTransformer model, Vocabulary vocab, List<List<String>> sources, int maxOutput) {
        model.eval();
        TokenBatch src = SourceTokens.batch(sources, vocab);
        List<Hypothesis> hyps;
        try (GradMode.Scope ignored = GradMode.disable()) {
            hyps = Greedy.decode(model.startDecoding(src), vocab.bosId(), vocab.eosId(), maxOutput + 1);
        }
        List<List<String>> out = new ArrayList<>();
        for (Hypothesis h : hyps) out.add(vocab.decodeSymbols(h.tokens()));
        return out;
    }
}
