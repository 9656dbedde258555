package dev.visor.transformer.train;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Module;
import dev.visor.tensor.nn.Reduction;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import java.util.List;
import java.util.Objects;

/**
 * Measures a model, e.g. on held-out data during training. Evaluation runs without autograd and
 * behaves as in evaluation mode ({@link Module#evaluating()}); the model's mode is never changed.
 *
 * <pre>{@code
 * Evaluator heldOut = Evaluator.greedy(sources, targets, 40);      // decode, compare with the answers
 * Evaluation e = heldOut.evaluate(model);
 * }</pre>
 */
@FunctionalInterface
public interface Evaluator {
    /**
     * Measures {@code model}.
     *
     * @param model the model to measure; evaluated in inference mode (no dropout), its training mode restored after
     * @return the measured loss and accuracies (NaN for what this evaluator does not measure)
     */
    Evaluation evaluate(TransformerModel model);

    /**
     * Teacher-forced loss and token accuracy over fixed batches.
     *
     * @param batches held-out batches, reused on every call; copied
     * @return an evaluator averaging the loss and token accuracy over all non-padding targets
     */
    static Evaluator teacherForced(List<Batch> batches) {
        List<Batch> fixed = List.copyOf(batches);
        return model -> {
            int pad = model.config().padId();
            double loss = 0;
            long tokens = 0;
            long correct = 0;
            long sequences = 0;
            long exact = 0;
            // evaluating(): dropout off on this thread without flipping the shared model's mode
            try (GradMode.Scope noGrad = GradMode.disable(); GradMode.Scope eval = Module.evaluating()) {
                for (Batch b : fixed) {
                    Tensor logits = model.logits(b.source(), b.input());
                    int[] targets = b.targets();
                    loss += Functional.crossEntropy(logits, targets, pad, 0.0, Reduction.SUM).item();
                    int[] predicted = Trainer.argmax(logits);
                    int len = b.input().length();
                    for (int r = 0; r < b.input().batch(); r++) {
                        boolean all = true;
                        for (int i = 0; i < len; i++) {
                            int t = targets[r * len + i];
                            if (t != pad) {
                                tokens++;
                                if (predicted[r * len + i] == t) {
                                    correct++;
                                } else {
                                    all = false;
                                }
                            }
                        }
                        sequences++;
                        exact += all ? 1 : 0;
                    }
                }
            }
            return new Evaluation(loss / tokens, (double) correct / tokens, (double) exact / sequences);
        };
    }

    /**
     * Greedy decoding of {@code sources} with an encoder-decoder model, compared position by position
     * with {@code targets} followed by EOS: token accuracy counts reference positions (EOS included)
     * that were decoded right; sequence accuracy counts exact matches. The loss is not measured.
     *
     * @param sources the source sequences, one row per example
     * @param targets the expected outputs, one row per source, without BOS and EOS
     * @param batchSize examples decoded together, at least 1
     * @return an evaluator reporting token and sequence accuracy, with NaN loss
     */
    static Evaluator greedy(int[][] sources, int[][] targets, int batchSize) {
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(targets, "targets");
        if (sources.length != targets.length || sources.length == 0) {
            throw new IllegalArgumentException("need as many targets as sources (and at least one) but got " + sources.length
                    + " and " + targets.length);
        }
        return model -> {
            if (!(model instanceof EncoderDecoderTransformer m)) {
                throw new IllegalArgumentException("greedy evaluation needs an encoder-decoder model but got "
                        + model.getClass().getSimpleName());
            }
            int eos = m.config().eosId();
            long tokens = 0;
            long correct = 0;
            long exact = 0;
            for (int from = 0; from < sources.length; from += batchSize) {
                int to = Math.min(sources.length, from + batchSize);
                int[][] src = java.util.Arrays.copyOfRange(sources, from, to);
                int maxLen = 0;
                for (int i = from; i < to; i++) {
                    maxLen = Math.max(maxLen, targets[i].length + 1);
                }
                List<Hypothesis> out = Greedy.decode(m.startDecoding(TokenBatch.of(src, m.config().padId())),
                        m.config().bosId(), eos, maxLen + 2);
                for (int i = from; i < to; i++) {
                    int[] got = out.get(i - from).tokens();
                    int[] want = java.util.Arrays.copyOf(targets[i], targets[i].length + 1);
                    want[targets[i].length] = eos;
                    int right = 0;
                    for (int p = 0; p < want.length; p++) {
                        if (p < got.length && got[p] == want[p]) {
                            right++;
                        }
                    }
                    tokens += want.length;
                    correct += right;
                    exact += java.util.Arrays.equals(got, want) ? 1 : 0;
                }
            }
            return new Evaluation(Double.NaN, (double) correct / tokens, (double) exact / sources.length);
        };
    }
}
