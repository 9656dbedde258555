package dev.visor.transformer.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The loop {@link Greedy} and {@link Sampler} share: every row picks its next token from its logits,
 * rows that emit EOS leave the session, and each hypothesis carries the tokens' log-probabilities
 * under the model's unmodified distribution. Only the choice of a token differs.
 */
final class DecodeLoop {
    private DecodeLoop() {}

    /**
     * Decodes every row of {@code session}, feeding {@code first[r]} to row r first.
     *
     * @param choose picks the next token of a row from its logits; called in row order
     * @return one hypothesis per row, in row order
     */
    static List<Hypothesis> run(DecodingSession session, int[] first, int eos, int maxLength, ToIntFunction<float[]> choose) {
        Check.start(session, first, eos, maxLength);
        int rows = session.rows();
        List<List<Integer>> tokens = new ArrayList<>();
        double[] logProb = new double[rows];
        for (int r = 0; r < rows; r++) {
            tokens.add(new ArrayList<>());
        }
        int[] alive = new int[rows];            // alive session row i is original row alive[i]
        for (int r = 0; r < rows; r++) {
            alive[r] = r;
        }
        int[] next = first.clone();
        for (int t = 0; t < maxLength && alive.length > 0; t++) {
            float[][] logits = session.step(next);
            int[] keep = new int[alive.length];
            int kept = 0;
            for (int i = 0; i < alive.length; i++) {
                int token = choose.applyAsInt(logits[i]);
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
}
