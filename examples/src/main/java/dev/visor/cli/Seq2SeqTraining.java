package dev.visor.cli;

import dev.visor.tasks.Example;
import dev.visor.tasks.Split;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Reduction;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Gradients;
import dev.visor.tensor.optim.OptimizerState;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains an encoder-decoder on a synthetic task with teacher forcing: AdamW, linear warm-up and
 * decay, gradient clipping, label-smoothed cross-entropy that ignores padding; evaluates exact-match
 * accuracy of greedy decoding on the held-out set every {@code --eval-every} steps and stops early
 * once it reaches the target. A step whose loss or gradients are not finite is skipped and reported;
 * ten in a row stop the run with an error before anything is saved.
 *
 * <pre>{@code
 * Seq2SeqTraining t = new Seq2SeqTraining(model, split, vocab, options, progress);
 * Seq2SeqTraining.Result r = t.run(0.99);
 * }</pre>
 */
final class Seq2SeqTraining {
    private static final int MAX_BAD_STEPS = 10;
    private static final int EVAL_CHUNK = 256;

    private final EncoderDecoderTransformer model;
    private final Split split;
    private final Vocabulary vocab;
    private final TrainingOptions options;
    private final int maxOutput;
    private final AdamW optimizer;
    private final long startStep;

    /**
     * The outcome of a run.
     *
     * @param steps steps taken in this run
     * @param exactMatch held-out exact-match accuracy at the end
     * @param correct held-out examples decoded exactly
     * @param loss the last training loss
     * @param seconds wall time
     * @param skipped steps skipped for non-finite values
     */
    record Result(int steps, double exactMatch, int correct, double loss, double seconds, int skipped) {}

    /**
     * Prepares a run.
     *
     * @param model the model (trained in place)
     * @param split the data
     * @param vocab the vocabulary
     * @param options the optimisation options
     * @param maxOutput the longest output decoded during evaluation
     * @param resume optimizer state to continue from, or null
     */
    Seq2SeqTraining(EncoderDecoderTransformer model, Split split, Vocabulary vocab, TrainingOptions options, int maxOutput,
                    OptimizerState resume) {
        this.model = model;
        this.split = split;
        this.vocab = vocab;
        this.options = options;
        this.maxOutput = maxOutput;
        this.optimizer = new AdamW(model.namedParameters(), AdamW.options(options.lr).withWeightDecay(options.weightDecay));
        if (resume != null) {
            try {
                optimizer.loadStateDict(resume);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw CliException.failure("cannot resume the optimizer: " + Errors.oneLine(e), e);
            }
        }
        this.startStep = optimizer.steps();
    }

    /** @return the optimizer (its state goes into the checkpoint) */
    AdamW optimizer() {
        return optimizer;
    }

    /**
     * Trains.
     *
     * @param progress where progress goes
     * @param target stop once held-out exact match reaches this (e.g. 0.99), or a value above 1 for never
     * @return the outcome
     */
    Result run(Progress progress, double target) {
        Rng rng = new Rng(options.seed ^ (0x9E3779B97F4A7C15L * (startStep + 1)));
        int bad = 0;
        int skipped = 0;
        double loss = Double.NaN;
        int step = 0;
        double exact = Double.NaN;
        int correct = 0;
        while (step < options.steps) {
            step++;
            Seq2SeqBatch batch = Seq2SeqBatch.of(split.trainingBatch(rng, options.batch), vocab);
            model.train(true);
            optimizer.zeroGrad();
            Tensor logits = model.forward(batch.source(), batch.decoderInput());   // (batch, Lt, vocab)
            Tensor lossT = Functional.crossEntropy(logits, batch.targets(), Seq2SeqBatch.IGNORE, options.labelSmoothing, Reduction.MEAN);
            double value = lossT.item();
            boolean finite = Double.isFinite(value);
            if (finite) {
                lossT.backward();
                finite = Gradients.allFinite(model.parameters());
            }
            if (!finite) {
                skipped++;
                progress.note("step " + step + ": the " + (Double.isFinite(value) ? "gradient" : "loss") + " is not finite; step skipped");
                if (++bad >= MAX_BAD_STEPS) {
                    throw CliException.failure("training diverged: " + MAX_BAD_STEPS + " steps in a row had a non-finite loss or gradient "
                            + "(last at step " + (startStep + step) + "); lower --lr (now " + options.lr + "); nothing was saved");
                }
                continue;
            }
            bad = 0;
            if (options.clip > 0) Gradients.clipGradNorm(model.parameters(), options.clip);
            optimizer.setLr(options.rate(startStep + step, startStep + options.steps));
            optimizer.step();
            loss = value;
            double accuracy = tokenAccuracy(logits, batch.targets());
            long tokens = (long) batch.source().batch() * (batch.source().length() + batch.decoderInput().length());
            progress.update(step, loss, accuracy, tokens);
            if (step % options.evalEvery == 0 || step == options.steps) {
                correct = correct();
                exact = (double) correct / split.test().size();
                progress.note(String.format(Locale.ROOT, "  step %d: held-out exact match %.1f %% (%d of %d)", startStep + step,
                        100 * exact, correct, split.test().size()));
                if (exact >= target) break;
            }
        }
        progress.finish();
        return new Result(step, exact, correct, loss, progress.elapsedSeconds(), skipped);
    }

    /** @return how many held-out examples greedy decoding gets exactly right */
    int correct() {
        List<Example> test = split.test();
        int ok = 0;
        for (int from = 0; from < test.size(); from += EVAL_CHUNK) {
            List<Example> chunk = test.subList(from, Math.min(test.size(), from + EVAL_CHUNK));
            List<List<String>> outputs = decode(model, vocab, chunk.stream().map(Example::source).toList(), maxOutput);
            for (int i = 0; i < chunk.size(); i++) if (outputs.get(i).equals(chunk.get(i).target())) ok++;
        }
        return ok;
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
        TokenBatch src = Seq2SeqBatch.sources(sources, vocab);
        List<Hypothesis> hyps;
        try (GradMode.Scope ignored = GradMode.disable()) {
            hyps = Greedy.decode(model.startDecoding(src), vocab.bosId(), vocab.eosId(), maxOutput + 1);
        }
        List<List<String>> out = new ArrayList<>();
        for (Hypothesis h : hyps) out.add(vocab.decodeSymbols(h.tokens()));
        return out;
    }

    private static double tokenAccuracy(Tensor logits, int[] targets) {
        float[] z = logits.contiguous().toArray();
        int v = logits.size(logits.dim() - 1);
        int hit = 0;
        int counted = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == Seq2SeqBatch.IGNORE) continue;
            int best = 0;
            for (int c = 1; c < v; c++) if (z[i * v + c] > z[i * v + best]) best = c;
            counted++;
            if (best == targets[i]) hit++;
        }
        return counted == 0 ? Double.NaN : (double) hit / counted;
    }
}
