package dev.visor.examples;

import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.decode.Sampler;
import dev.visor.transformer.decode.SamplingOptions;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A character-level, decoder-only language model (GPT-style) trained on the opening of Shakespeare's
 * <i>Coriolanus</i> (public domain, shipped as a resource), then sampled. After a few minutes on a
 * laptop it writes Shakespearean-looking words and speaker names. {@code visor train lm} does the
 * same with options, evaluation and checkpoints.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp examples/target/visor.jar dev.visor.examples.CharLanguageModelExample 800
 * }</pre>
 */
public final class CharLanguageModelExample {
    private CharLanguageModelExample() {}

    /**
     * Trains and samples.
     *
     * @param args optionally the number of steps (default 800)
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        out.println(run(ExampleSupport.argument(args, CharLanguageModelExample.class, "steps", 800), 400, out));
    }

    /**
     * Trains for {@code steps} steps and returns a sample of {@code chars} characters.
     *
     * @param steps optimizer steps
     * @param chars characters to sample
     * @param out where progress goes
     * @return the sample, starting with its prompt
     */
    public static String run(int steps, int chars, PrintWriter out) {
        String text = bundledText();
        Vocabulary v = Vocabulary.characters(text);
        int[] ids = v.encode(text);
        int window = 65;   // 64 characters of context and the one after them
        TransformerConfig config = TransformerConfig.tiny(v.size()).toBuilder()
                .dModel(128).heads(4).kvHeads(4).layers(4).dFF(512).dropout(0.1).maxLength(window)
                .padId(v.padId()).bosId(v.bosId()).eosId(v.eosId()).build().decoderOnly();
        DecoderOnlyTransformer lm = Transformers.decoderOnly(config);
        Trainer trainer = new Trainer(lm, TrainerConfig.defaults(steps).withLearningRate(3e-3).withWarmup(Math.min(100, steps))
                .withSchedule(TrainerConfig.Schedule.COSINE));
        out.println("Training a " + lm.parameters().stream().mapToLong(t -> t.numel()).sum() + "-parameter character model for "
                + steps + " steps on Coriolanus...");
        trainer.train(rng -> Batch.languageModel(windows(ids, rng, 32, window), v.padId()), null, ExampleSupport.progress(out, steps));
        // sample: prime the KV cache with the prompt, then draw one character at a time
        String prompt = "MENENIUS:\n";
        int[] p = v.encode(prompt);
        StringBuilder sample = new StringBuilder(prompt);
        try (GradMode.Scope ignored = GradMode.disable()) {
            int[] context = p;
            long seed = 1;
            while (sample.length() - prompt.length() < chars) {
                int room = Math.min(window - context.length + 1, chars - (sample.length() - prompt.length()));
                Hypothesis h = Sampler.decode(lm.startDecoding(new int[][] {context}), new int[] {context[context.length - 1]},
                        v.eosId(), room, SamplingOptions.of(seed++).withTemperature(0.8)).get(0);
                String piece = v.decode(h.tokens());
                sample.append(piece);
                if (piece.isEmpty()) break;
                int[] all = v.encode(sample.toString());
                context = Arrays.copyOfRange(all, Math.max(0, all.length - window / 2), all.length);
            }
        }
        out.flush();
        return sample.toString();
    }

    private static int[][] windows(int[] ids, Rng rng, int rows, int length) {
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            int start = rng.nextInt(ids.length - length + 1);
            out[r] = Arrays.copyOfRange(ids, start, start + length);
        }
        return out;
    }

    /** @return the text shipped with the examples */
    static String bundledText() {
        try (InputStream in = CharLanguageModelExample.class.getResourceAsStream("coriolanus.txt")) {
            if (in == null) throw new IllegalStateException("coriolanus.txt is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
