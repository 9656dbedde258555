package dev.visor.transformer.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy decoding: at each step every row takes its most probable next token,
 * {@code y_t = argmax p(y | y_<t, x)} (ties to the lowest id), until it emits EOS or reaches the
 * length limit. Finished rows leave the session, so later steps only run the rows still going.
 *
 * <pre>{@code
 * List<Hypothesis> out = Greedy.decode(model.startDecoding(src), cfg.bosId(), cfg.eosId(), 50);
 * }</pre>
 */
public final class Greedy {
    private Greedy() {}

    /**
     * Decodes every row of {@code session}, feeding {@code bos} first.
     *
     * @param maxLength the most tokens generated per row (EOS included)
     * @return one hypothesis per row, in row order
     */
    public static List<Hypothesis> decode(DecodingSession session, int bos, int eos, int maxLength) {
        return decode(session, Check.fill(session, bos), eos, maxLength);
    }

    /**
     * Continues every row of {@code session} from its state, feeding {@code first[r]} to row r first
     * (e.g. the last token of a prompt the session was primed with).
     */
    public static List<Hypothesis> decode(DecodingSession session, int[] first, int eos, int maxLength) {
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
                int token = LogSoftmax.argmax(logits[i]);
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
                nextTokens[i] = tokens.get(nextAlive[i]).get(tokens.get(nextAlive[i]).size() - 1);
            }
            if (kept < alive.length && kept > 0 && t + 1 < maxLength) {
                session.select(Arrays.copyOf(keep, kept));
            }
            alive = nextAlive;
            next = nextTokens;
        }
        List<Hypothesis> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int[] seq = tokens.get(r).stream().mapToInt(Integer::intValue).toArray();
            out.add(new Hypothesis(seq, logProb[r], logProb[r]));
        }
        return out;
    }
}
