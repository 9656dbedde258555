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
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.StopCondition;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainingListener;
import dev.visor.transformer.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains an encoder-decoder on a synthetic task with the framework's {@link Trainer}, drawing batches
 * from a {@link Split} so the held-out inputs are never trained on, evaluating exact-match accuracy of
 * greedy decoding every {@code --eval-every} steps, and stopping early once it reaches the target.
 *
 * <pre>{@code
 * Seq2SeqTraining t = new Seq2SeqTraining(model, split, vocab, options, null);
 * Seq2SeqTraining.Result r = t.run(loop, 0.99);
 * }</pre>
 */
final class Seq2SeqTraining {
    private static final int EVAL_BATCH = 256;

    private final Split split;
    private final Vocabulary vocab;
    private final TrainingOptions options;
    private final Trainer trainer;
    private final EncoderDecoderTransformer model;
    private final double[] last = {Double.NaN, Double.NaN};   // loss, exact match

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

    /**
     * Prepares a run.
     *
     * @param model the model (trained in place)
     * @param split the data
     * @param vocab the vocabulary
     * @param options the optimisation options
     * @param resume the checkpoint to continue (optimizer state and step), or null
     */
    Seq2SeqTraining(EncoderDecoderTransformer model, Split split, Vocabulary vocab, TrainingOptions options, Checkpoint resume) {
        this.model = model;
        this.split = split;
        this.vocab = vocab;
        this.options = options;
        Trainer t = new Trainer(model, options.trainerConfig()).withParallelism(options.parallelism);
        if (resume != null) {
            if (resume.optimizer() == null) {
                throw CliException.failure("the checkpoint has no optimizer.safetensors, so training cannot resume from it");
            }
            try {
                t.resumeFrom(resume);
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

    /** @return the metrics so far (exact match, loss), for a checkpoint */
    java.util.Map<String, Double> metrics() {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("exact_match", last[1]);
        m.put("loss", last[0]);
        return m;
    }

    /**
     * Trains.
     *
     * @param loop the progress, periodic saves and Ctrl-C handling
     * @param target stop once held-out exact match reaches this (e.g. 0.99); above 1 never stops early
     * @return the outcome
     * @throws CliException if training diverges or is interrupted
     */
    Result run(TrainingLoop loop, double target) {
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
        int[] skipped = {0};
        TrainingListener notes = TrainingListener.onStep(s -> last[0] = s.loss())
                .andThen(TrainingListener.onSkipped(s -> skipped[0]++))
                .andThen(TrainingListener.onEvaluation(e -> {
                    last[1] = e.evaluation().sequenceAccuracy();
                    loop.note(String.format(Locale.ROOT, "  step %d: held-out exact match %.1f %% (%d of %d)", e.step(),
                            100 * last[1], Math.round(last[1] * test.size()), test.size()));
                }));
        TrainingLoop.Outcome o = loop.run(trainer, source, Evaluator.greedy(testSrc, testTgt, EVAL_BATCH), notes,
                StopCondition.onEvaluation(e -> e.sequenceAccuracy() >= target), Math.max(1, options.evalEvery / 5));
        TrainingResult r = o.result();
        if (r.lastEvaluation() != null) last[1] = r.lastEvaluation().sequenceAccuracy();
        model.eval();
        return new Result(o.steps(), trainer.step(), last[1], last[0], o.seconds(), skipped[0]);
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
