package dev.visor.examples;

import dev.visor.tensor.Rng;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.StopCondition;
import dev.visor.transformer.train.SyntheticTasks;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainerConfig;
import dev.visor.transformer.train.TrainingListener;
import dev.visor.transformer.train.TrainingResult;
import java.util.Arrays;
import java.util.List;

/**
 * Visor as a library, in the fewest lines: build a tiny encoder-decoder, train it to reverse token
 * sequences until 95 % of held-out sequences come out right, and decode one. The root README quotes
 * the lines between the {@code README} markers; a test keeps the two the same, so the README's
 * example always compiles.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp examples/target/visor.jar dev.visor.examples.LibraryExample 600
 * }</pre>
 */
public final class LibraryExample {
    private LibraryExample() {}

    /**
     * Trains and decodes.
     *
     * @param args optionally the most steps (default 600)
     */
    public static void main(String[] args) {
        run(ExampleSupport.argument(args, LibraryExample.class, "steps", 600));
    }

    /**
     * Trains for at most {@code steps} steps, printing each evaluation and one decoded sequence.
     *
     * @param steps the most optimizer steps
     * @return the held-out sequence accuracy at the end
     */
    public static double run(int steps) {
        // README:begin
        TransformerConfig config = TransformerConfig.tiny(12);                   // ids: pad 0, BOS 1, EOS 2, tokens 3..11
        EncoderDecoderTransformer model = Transformers.encoderDecoder(config);
        SyntheticTasks task = SyntheticTasks.reverse(12, 3, 8);                  // reverse 3 to 8 tokens
        int[][][] heldOut = task.sample(new Rng(99), 200);                       // {sources, targets}

        Trainer trainer = new Trainer(model, TrainerConfig.defaults(steps).withLearningRate(3e-3).withWarmup(50)
                .withEvaluation(100));
        TrainingResult result = trainer.train(task.batches(32, config.bosId(), config.eosId(), config.padId()),
                Evaluator.greedy(heldOut[0], heldOut[1], 100),
                TrainingListener.onEvaluation(e -> System.out.println("step " + e.step() + ": " + e.evaluation())),
                StopCondition.onEvaluation(e -> e.sequenceAccuracy() >= 0.95));

        TokenBatch source = TokenBatch.of(new int[][] {{3, 4, 5, 6, 7}}, config.padId());
        List<Hypothesis> decoded = Greedy.decode(model.startDecoding(source), config.bosId(), config.eosId(), 10);
        System.out.println(Arrays.toString(decoded.get(0).tokens()));              // [7, 6, 5, 4, 3, 2] once trained
        // README:end
        return result.lastEvaluation().sequenceAccuracy();
    }
}
