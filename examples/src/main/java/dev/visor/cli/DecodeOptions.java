package dev.visor.cli;

import dev.visor.transformer.decode.BeamOptions;
import dev.visor.transformer.decode.SamplingOptions;
import picocli.CommandLine.Option;

/**
 * How {@code visor generate} and {@code visor translate} choose tokens: greedy, beam search
 * ({@code --beam N}, {@code --length-penalty}) or sampling ({@code --sample} with
 * {@code --temperature}, {@code --top-k}, {@code --top-p}, {@code --seed}).
 */
final class DecodeOptions {
    /** The decoding strategy. */
    enum Strategy { GREEDY, BEAM, SAMPLE }

    @Option(names = "--greedy", description = "Always take the most probable token.")
    boolean greedy;

    @Option(names = "--beam", paramLabel = "WIDTH", description = "Beam search with this many beams.")
    Integer beam;

    @Option(names = "--length-penalty", paramLabel = "ALPHA", defaultValue = "0.0",
            description = "Beam search length penalty α (score / ((5 + length) / 6)^α; default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--sample", description = "Sample each token from the model's distribution.")
    boolean sample;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (implies --sample).")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most probable tokens (implies --sample).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling: the smallest set of tokens with probability P (implies --sample).")
    Double topP;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    /**
     * The strategy the options ask for.
     *
     * @param fallback the command's default when none is asked for
     * @return the strategy
     * @throws CliException (usage) when several are asked for
     */
    Strategy strategy(Strategy fallback) {
        boolean sampling = sample || temperature != null || topK != null || topP != null;
        int asked = (greedy ? 1 : 0) + (beam != null ? 1 : 0) + (sampling ? 1 : 0);
        if (asked > 1) throw CliException.usage("choose one of --greedy, --beam and sampling (--sample, --temperature, --top-k, --top-p)");
        if (beam != null) return Strategy.BEAM;
        if (sampling) return Strategy.SAMPLE;
        if (greedy) return Strategy.GREEDY;
        return fallback;
    }

    /**
     * The beam options.
     *
     * @param maxLength the most tokens generated
     * @return the options
     */
    BeamOptions beam(int maxLength) {
        try {
            return BeamOptions.of(beam, maxLength).withLengthPenalty(lengthPenalty);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--beam: " + Errors.oneLine(e), e);
        }
    }

    /**
     * The sampling options.
     *
     * @param defaultTemperature the temperature when none is given
     * @return the options
     */
    SamplingOptions sampling(double defaultTemperature) {
        try {
            return SamplingOptions.of(seed).withTemperature(temperature != null ? temperature : defaultTemperature)
                    .withTopK(topK != null ? topK : 0).withTopP(topP != null ? topP : 1.0);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
    }
}
