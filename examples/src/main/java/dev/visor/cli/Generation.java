package dev.visor.cli;

import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.decode.BeamOptions;
import dev.visor.transformer.decode.BeamSearch;
import dev.visor.transformer.decode.DecodingSession;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.decode.Sampler;
import dev.visor.transformer.decode.SamplingOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Text generation with a character language model on the KV cache. A model knows the positions of
 * its training window; longer texts are generated in pieces, each primed with the last half window of
 * what came before (the model was trained on windows starting anywhere in the text, so a re-primed
 * window is what it expects).
 *
 * <pre>{@code
 * String more = Generation.generate(lm, vocab, 65, "First Citizen:\n", 300, DecodeOptions.Strategy.SAMPLE, opts, null);
 * }</pre>
 */
final class Generation {
    private Generation() {}

    /**
     * Samples a continuation at a temperature.
     *
     * @param lm the model
     * @param vocab its vocabulary
     * @param window the most positions to use: the training window
     * @param prompt the text to continue
     * @param n characters to generate
     * @param temperature the temperature
     * @param topK top-k (0: off)
     * @param topP top-p (1: off)
     * @param seed the seed
     * @return the continuation (without the prompt)
     */
    static String sample(DecoderOnlyTransformer lm, Vocabulary vocab, int window, String prompt, int n, double temperature, int topK,
                         double topP, long seed) {
        SamplingOptions o = SamplingOptions.of(seed).withTemperature(temperature).withTopK(topK).withTopP(topP);
        return generate(lm, vocab, window, prompt, n, DecodeOptions.Strategy.SAMPLE, o, null);
    }

    /**
     * Generates a continuation.
     *
     * @param lm the model
     * @param vocab its vocabulary
     * @param window the most positions to use: the training window (at most the model's max_length)
     * @param prompt the text to continue; characters must be in the vocabulary
     * @param n characters to generate
     * @param strategy greedy, beam or sampling
     * @param sampling sampling options (for SAMPLE)
     * @param beam beam options without length (for BEAM: its width and penalty are used)
     * @return the continuation
     * @throws CliException (usage) naming a prompt character the model does not know
     */
    static String generate(DecoderOnlyTransformer lm, Vocabulary vocab, int window, String prompt, int n,
                           DecodeOptions.Strategy strategy, SamplingOptions sampling, BeamOptions beam) {
        List<Integer> tokens = new ArrayList<>();
        try {
            for (int id : vocab.encode(prompt)) tokens.add(id);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--prompt: " + Errors.oneLine(e), e);
        }
        if (tokens.isEmpty()) tokens.add(vocab.tokens().contains("\n") ? vocab.id("\n") : vocab.bosId());
        int promptLength = tokens.size();
        window = Math.max(2, Math.min(window, lm.config().maxLength()));
        long seed = sampling == null ? 0 : sampling.seed();
        lm.eval();
        try (GradMode.Scope ignored = GradMode.disable()) {
            while (tokens.size() - promptLength < n) {
                int keep = Math.min(tokens.size(), tokens.size() - promptLength == 0 ? window - 1 : window / 2);
                int[] context = tokens.subList(tokens.size() - keep, tokens.size()).stream().mapToInt(Integer::intValue).toArray();
                int room = window - context.length + 1;
                int piece = Math.min(n - (tokens.size() - promptLength), room);
                DecodingSession s = lm.startDecoding(new int[][] {context});
                int[] first = {context[context.length - 1]};
                Hypothesis h = switch (strategy) {
                    case GREEDY -> Greedy.decode(s, first, vocab.eosId(), piece).get(0);
                    case SAMPLE -> Sampler.decode(s, first, vocab.eosId(), piece,
                            new SamplingOptions(sampling.temperature(), sampling.topK(), sampling.topP(), seed++)).get(0);
                    case BEAM -> BeamSearch.decode(s, first, vocab.eosId(),
                            BeamOptions.of(beam.width(), piece).withLengthPenalty(beam.lengthPenalty())).get(0);
                };
                int[] got = h.tokens();
                boolean ended = false;
                for (int t : got) {
                    if (t == vocab.eosId()) {
                        ended = true;
                        break;
                    }
                    tokens.add(t);
                }
                if (ended || got.length == 0) break;
            }
        }
        int[] out = tokens.subList(promptLength, tokens.size()).stream().mapToInt(Integer::intValue).toArray();
        return vocab.decode(out);
    }

    /**
     * A string in quotes with control characters visible.
     *
     * @param s the string
     * @return e.g. {@code "First Citizen:\n"}
     */
    static String visible(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"") + "\"";
    }
}
