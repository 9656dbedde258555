package dev.visor.transformer.decode;

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
     * @param session a fresh session with one row per source sentence (or prompt-less row)
     * @param bos the token fed first to every row
     * @param eos the token that ends a row
     * @param maxLength the most tokens generated per row (EOS included)
     * @return one hypothesis per row, in row order
     */
    public static List<Hypothesis> decode(DecodingSession session, int bos, int eos, int maxLength) {
        return decode(session, Check.fill(session, bos), eos, maxLength);
    }

    /**
     * Continues every row of {@code session} from its state, feeding {@code first[r]} to row r first
     * (e.g. the last token of a prompt the session was primed with).
     *
     * @param session a session primed with each row's prompt except its last token
     * @param first the token fed first to each row, one per row
     * @param eos the token that ends a row
     * @param maxLength the most tokens generated per row (EOS included), at least 1
     * @return one hypothesis per row, in row order; its log-probability sums the chosen tokens' log-softmax
     */
    public static List<Hypothesis> decode(DecodingSession session, int[] first, int eos, int maxLength) {
        return DecodeLoop.run(session, first, eos, maxLength, LogSoftmax::argmax);
    }
}
