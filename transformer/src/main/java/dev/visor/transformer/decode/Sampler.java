package dev.visor.transformer.decode;

import dev.visor.tensor.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Ancestral sampling with temperature, top-k and top-p (see {@link SamplingOptions}): each row draws
 * {@code y_t ~ p(y | y_<t, x)} restricted and renormalised, until EOS or the length limit. Draws come
 * from one seeded {@link Rng} in row order, so a seed fixes the output.
 *
 * <pre>{@code
 * List<Hypothesis> out = Sampler.decode(model.startDecoding(prompt), BOS, EOS, 100, SamplingOptions.of(7).withTopP(0.9));
 * }</pre>
 */
public final class Sampler {
    private Sampler() {}

    /**
     * Decodes every row of {@code session}, feeding {@code bos} first.
     *
     * @param session a fresh session with one row per source sentence
     * @param bos the token fed first to every row
     * @param eos the token that ends a row
     * @param maxLength the most tokens generated per row (EOS included), at least 1
     * @param options temperature, top-k, top-p and the seed of the draws
     * @return one hypothesis per row; its log-probability is under the model's unmodified distribution
     */
    public static List<Hypothesis> decode(DecodingSession session, int bos, int eos, int maxLength, SamplingOptions options) {
        return decode(session, Check.fill(session, bos), eos, maxLength, options);
    }

    /**
     * Continues every row of {@code session}, feeding {@code first[r]} to row r first.
     *
     * @param session a session primed with each row's prompt
     * @param first the token fed first to each row, one per row
     * @param eos the token that ends a row
     * @param maxLength the most tokens generated per row (EOS included), at least 1
     * @param options temperature, top-k, top-p and the seed of the draws
     * @return one hypothesis per row; its log-probability is under the model's unmodified distribution
     */
    public static List<Hypothesis> decode(DecodingSession session, int[] first, int eos, int maxLength,
                                          SamplingOptions options) {
        Objects.requireNonNull(options, "options");
        Rng rng = new Rng(options.seed());
        return DecodeLoop.run(session, first, eos, maxLength, logits -> draw(logits, options, rng));
    }

    /**
     * The distribution a token is drawn from after temperature, top-k and top-p: probabilities that
     * sum to 1, zero outside the kept set.
     *
     * @param logits one row of unnormalised logits, length = vocabulary size
     * @param options the temperature, top-k and top-p applied in that order (the seed is not used)
     * @return a probability per token, summing to 1 within rounding
     */
    public static double[] distribution(float[] logits, SamplingOptions options) {
        double[] logp = LogSoftmax.of(logits, options.temperature());
        int v = logp.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        // most probable first; ties to the lower id
        Arrays.sort(order, (a, b) -> logp[a] != logp[b] ? Double.compare(logp[b], logp[a]) : Integer.compare(a, b));
        int keep = options.topK() == 0 ? v : Math.min(options.topK(), v);
        double[] p = new double[v];
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += Math.exp(logp[order[i]]);
        }
        if (options.topP() < 1) {
            // the smallest prefix of the (top-k renormalised) distribution whose mass reaches topP
            double cumulative = 0;
            int n = 0;
            while (n < keep) {
                cumulative += Math.exp(logp[order[n]]) / kept;
                n++;
                if (cumulative >= options.topP()) {
                    break;
                }
            }
            keep = n;
            kept = 0;
            for (int i = 0; i < keep; i++) {
                kept += Math.exp(logp[order[i]]);
            }
        }
        for (int i = 0; i < keep; i++) {
            p[order[i]] = Math.exp(logp[order[i]]) / kept;
        }
        return p;
    }

    private static int draw(float[] logits, SamplingOptions options, Rng rng) {
        double[] p = distribution(logits, options);
        double u = rng.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last;   // u within rounding of 1
    }
}
