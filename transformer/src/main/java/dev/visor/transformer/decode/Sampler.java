package dev.visor.transformer.decode;

import dev.visor.tensor.Rng;
import java.util.ArrayList;
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
     * @return one hypothesis per row; its log-probability is under the model's unmodified distribution
     */
    public static List<Hypothesis> decode(DecodingSession session, int bos, int eos, int maxLength, SamplingOptions options) {
        return decode(session, Check.fill(session, bos), eos, maxLength, options);
    }

    /** Continues every row of {@code session}, feeding {@code first[r]} to row r first. */
    public static List<Hypothesis> decode(DecodingSession session, int[] first, int eos, int maxLength,
                                          SamplingOptions options) {
        Objects.requireNonNull(options, "options");
        Check.start(session, first, eos, maxLength);
        Rng rng = new Rng(options.seed());
        int rows = session.rows();
        List<List<Integer>> tokens = new ArrayList<>();
        double[] logProb = new double[rows];
        for (int r = 0; r < rows; r++) {
            tokens.add(new ArrayList<>());
        }
        int[] alive = new int[rows];
        for (int r = 0; r < rows; r++) {
            alive[r] = r;
        }
        int[] next = first.clone();
        for (int t = 0; t < maxLength && alive.length > 0; t++) {
            float[][] logits = session.step(next);
            int[] keep = new int[alive.length];
            int kept = 0;
            for (int i = 0; i < alive.length; i++) {
                int token = draw(logits[i], options, rng);
                logProb[alive[i]] += LogSoftmax.of(logits[i], 1.0)[token];
                tokens.get(alive[i]).add(token);
                if (token != eos) {
                    keep[kept++] = i;
                }
            }
            int[] nextAlive = new int[kept];
            int[] nextTokens = new int[kept];
            for (int i = 0; i < kept; i++) {
                nextAlive[i] = alive[keep[i]];
                List<Integer> seq = tokens.get(nextAlive[i]);
                nextTokens[i] = seq.get(seq.size() - 1);
            }
            if (kept < alive.length && kept > 0 && t + 1 < maxLength) {
                session.select(Arrays.copyOf(keep, kept));
            }
            alive = nextAlive;
            next = nextTokens;
        }
        List<Hypothesis> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            out.add(new Hypothesis(tokens.get(r).stream().mapToInt(Integer::intValue).toArray(), logProb[r], logProb[r]));
        }
        return out;
    }

    /**
     * The distribution a token is drawn from after temperature, top-k and top-p: probabilities that
     * sum to 1, zero outside the kept set.
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
