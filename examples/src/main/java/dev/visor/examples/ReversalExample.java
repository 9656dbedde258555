package dev.visor.examples;

import dev.visor.tasks.Example;
import dev.visor.tasks.Split;
import dev.visor.tasks.SyntheticTask;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainerConfig;
import dev.visor.transformer.train.TrainingListener;
import dev.visor.transformer.train.TrainingResult;
import java.io.PrintWriter;
import java.util.List;

/**
 * Sequence reversal with an encoder-decoder Transformer, in about sixty lines of API: what
 * {@code visor demo} does, without the command line. A tiny model (d_model 64, 4 heads, 2 + 2 layers)
 * learns to reverse strings of 3–10 letters and is evaluated on strings it never saw.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp examples/target/visor.jar dev.visor.examples.ReversalExample 1500
 * }</pre>
 */
public final class ReversalExample {
    private ReversalExample() {}

    /**
     * Trains and evaluates.
     *
     * @param args optionally the number of steps (default 1500)
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        run(ExampleSupport.argument(args, ReversalExample.class, "steps", 1500), out);
    }

    /**
     * Trains for {@code steps} steps, printing progress, and returns the held-out exact match.
     *
     * @param steps optimizer steps
     * @param out where to print
     * @return the fraction of held-out strings reversed exactly
     */
    public static double run(int steps, PrintWriter out) {
        // 1) data: strings over a–j, 200 of them held out and never trained on
        SyntheticTask task = SyntheticTask.REVERSE;
        Vocabulary v = task.vocabulary(10);
        Split split = Split.of(task, 10, 3, 10, 200, 1);
        // 2) the model: the paper's architecture, small
        TransformerConfig config = TransformerConfig.tiny(v.size()).toBuilder()
                .dModel(64).heads(4).kvHeads(4).layers(2).dFF(256).dropout(0.0).maxLength(32)
                .padId(v.padId()).bosId(v.bosId()).eosId(v.eosId()).build();
        EncoderDecoderTransformer model = Transformers.encoderDecoder(config);
        // 3) training: teacher forcing, AdamW with warm-up and a cosine decay
        Trainer trainer = new Trainer(model, TrainerConfig.defaults(steps).withLearningRate(3e-3).withWarmup(Math.min(100, steps))
                .withSchedule(TrainerConfig.Schedule.COSINE).withEvaluation(Math.max(10, steps / 5)));
        Evaluator heldOut = Evaluator.greedy(ids(split.test(), v, true), ids(split.test(), v, false), 200);
        TrainingResult result = trainer.train(
                rng -> {
                    List<Example> batch = split.trainingBatch(rng, 64);
                    return Batch.seq2seq(ids(batch, v, true), ids(batch, v, false), v.bosId(), v.eosId(), v.padId());
                },
                heldOut,
                TrainingListener.onEvaluation(e -> out.printf("step %5d  held-out exact match %.1f %%%n", e.step(),
                        100 * e.evaluation().sequenceAccuracy())));
        // 4) decoding strings it never saw
        List<Example> shown = split.test().subList(0, 5);
        try (GradMode.Scope ignored = GradMode.disable()) {
            List<Hypothesis> hyps = Greedy.decode(model.startDecoding(TokenBatch.of(ids(shown, v, true), v.padId())),
                    v.bosId(), v.eosId(), 12);
            for (int i = 0; i < shown.size(); i++) {
                out.println("  " + String.join("", shown.get(i).source()) + " → " + v.decode(hyps.get(i).tokens()));
            }
        }
        out.flush();
        return result.lastEvaluation().sequenceAccuracy();
    }

    private static int[][] ids(List<Example> examples, Vocabulary v, boolean source) {
        int[][] out = new int[examples.size()][];
        for (int i = 0; i < out.length; i++) out[i] = v.encode(source ? examples.get(i).source() : examples.get(i).target());
        return out;
    }
}
