package dev.visor.transformer.decode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Beam search: for each source row keep the {@code width} most probable prefixes; at every step
 * extend each by every token, keep the best {@code width} that did not end, and set aside those that
 * ended with EOS as finished, scored {@code log p / lp} (see {@link BeamOptions}). Beams of one row
 * are rows of the session, re-selected after every step, so the KV cache follows them; rows that are
 * done leave the session.
 *
 * <pre>{@code
 * List<Hypothesis> best = BeamSearch.decode(model.startDecoding(src), BOS, EOS, BeamOptions.of(4, 60).withLengthPenalty(0.6));
 * }</pre>
 */
public final class BeamSearch {
    private BeamSearch() {}

    /**
     * The best hypothesis of each row, in row order, feeding {@code bos} first.
     *
     * @param session a fresh session with one row per source sentence; its rows are reordered and multiplied by the search
     * @param bos the token fed first to every row
     * @param eos the token that finishes a hypothesis
     * @param options beam width, length limit, length penalty and stopping rule
     * @return one hypothesis per original row, the highest score of its beams
     */
    public static List<Hypothesis> decode(DecodingSession session, int bos, int eos, BeamOptions options) {
        return decode(session, Check.fill(session, bos), eos, options);
    }

    /**
     * The best hypothesis of each row, continuing each row from its state with {@code first[r]}.
     *
     * @param session a session primed with each row's prompt; its rows are reordered and multiplied by the search
     * @param first the token fed first to each row, one per row (e.g. each prompt's last token)
     * @param eos the token that finishes a hypothesis
     * @param options beam width, length limit, length penalty and stopping rule
     * @return one hypothesis per original row, the highest score of its beams
     */
    public static List<Hypothesis> decode(DecodingSession session, int[] first, int eos, BeamOptions options) {
        List<Hypothesis> best = new ArrayList<>();
        for (List<Hypothesis> n : decodeNBest(session, first, eos, options)) {
            best.add(n.get(0));
        }
        return best;
    }

    /**
     * Up to {@code width} hypotheses per row, best first. Rows that reached the length limit without
     * enough finished hypotheses are completed with their live beams (which then do not end in EOS).
     *
     * @param session a fresh session with one row per source sentence
     * @param bos the token fed first to every row
     * @param eos the token that finishes a hypothesis
     * @param options beam width, length limit, length penalty and stopping rule
     * @return for each original row, at most {@code width} hypotheses sorted by descending score
     */
    public static List<List<Hypothesis>> decodeNBest(DecodingSession session, int bos, int eos, BeamOptions options) {
        return decodeNBest(session, Check.fill(session, bos), eos, options);
    }

    /**
     * Up to {@code width} hypotheses per row, best first, continuing each row with {@code first[r]}.
     *
     * @param session a session primed with each row's prompt
     * @param first the token fed first to each row, one per row
     * @param eos the token that finishes a hypothesis
     * @param options beam width, length limit, length penalty and stopping rule
     * @return for each original row, at most {@code width} hypotheses sorted by descending score
     */
    public static List<List<Hypothesis>> decodeNBest(DecodingSession session, int[] first, int eos, BeamOptions options) {
        Objects.requireNonNull(options, "options");
        Check.start(session, first, eos, options.maxLength());
        int sources = session.rows();
        int width = options.width();
        List<List<Beam>> alive = new ArrayList<>();      // per source row, its live beams (session rows in order)
        List<List<Hypothesis>> finished = new ArrayList<>();
        boolean[] done = new boolean[sources];
        for (int s = 0; s < sources; s++) {
            alive.add(List.of(new Beam(new int[0], 0.0)));
            finished.add(new ArrayList<>());
        }
        int[] feed = first.clone();
        for (int t = 1; t <= options.maxLength(); t++) {
            float[][] logits = session.step(feed);
            List<Integer> select = new ArrayList<>();
            List<Integer> nextFeed = new ArrayList<>();
            int row = 0;                                  // session row of the current beam
            for (int s = 0; s < sources; s++) {
                if (done[s]) {
                    continue;
                }
                List<Beam> beams = alive.get(s);
                List<Candidate> candidates = new ArrayList<>();
                for (int b = 0; b < beams.size(); b++) {
                    double[] logp = LogSoftmax.of(logits[row + b], 1.0);
                    Beam beam = beams.get(b);
                    for (int token = 0; token < logp.length; token++) {
                        if (logp[token] != Double.NEGATIVE_INFINITY) {
                            candidates.add(new Candidate(row + b, beam, token, beam.logProb + logp[token]));
                        }
                    }
                }
                candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.logProb)
                        .thenComparingInt(c -> c.sessionRow).thenComparingInt(c -> c.token));
                List<Beam> next = new ArrayList<>();
                List<Hypothesis> fin = finished.get(s);
                for (Candidate c : candidates) {
                    if (next.size() == width) {
                        break;
                    }
                    int[] tokens = java.util.Arrays.copyOf(c.beam.tokens, t);
                    tokens[t - 1] = c.token;
                    if (c.token == eos) {
                        fin.add(new Hypothesis(tokens, c.logProb, c.logProb / options.penalty(t)));
                    } else {
                        next.add(new Beam(tokens, c.logProb));
                        select.add(c.sessionRow);
                        nextFeed.add(c.token);
                    }
                }
                fin.sort(BY_SCORE);
                while (fin.size() > width) {
                    fin.remove(fin.size() - 1);
                }
                row += beams.size();
                boolean stop = next.isEmpty() || t == options.maxLength() || rowIsDone(fin, next, t, options);
                if (stop) {
                    if (t == options.maxLength()) {
                        for (Beam b : next) {
                            fin.add(new Hypothesis(b.tokens, b.logProb, b.logProb / options.penalty(t)));
                        }
                        fin.sort(BY_SCORE);
                        while (fin.size() > width) {
                            fin.remove(fin.size() - 1);
                        }
                    }
                    done[s] = true;
                    for (int i = 0; i < next.size(); i++) {
                        select.remove(select.size() - 1);
                        nextFeed.remove(nextFeed.size() - 1);
                    }
                    alive.set(s, List.of());
                } else {
                    alive.set(s, next);
                }
            }
            if (select.isEmpty()) {
                break;
            }
            session.select(select.stream().mapToInt(Integer::intValue).toArray());
            feed = nextFeed.stream().mapToInt(Integer::intValue).toArray();
        }
        return finished;
    }

    private static final Comparator<Hypothesis> BY_SCORE = Comparator.comparingDouble((Hypothesis h) -> -h.score());

    /** True when the row's finished list is full and no live beam can still beat its worst member. */
    private static boolean rowIsDone(List<Hypothesis> finished, List<Beam> alive, int t, BeamOptions options) {
        if (finished.size() < options.width()) {
            return false;
        }
        if (options.earlyStopping()) {
            return true;
        }
        // log-probabilities only fall as tokens are added; the best later score of a beam is its
        // current log-probability over the largest penalty still reachable.
        double worst = finished.get(finished.size() - 1).score();
        double maxPenalty = options.lengthPenalty() > 0 ? options.penalty(options.maxLength()) : options.penalty(t + 1);
        for (Beam b : alive) {
            if (b.logProb / maxPenalty > worst) {
                return false;
            }
        }
        return true;
    }

    private record Beam(int[] tokens, double logProb) {}

    private record Candidate(int sessionRow, Beam beam, int token, double logProb) {}
}
