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
        return DecodeLoop.run(session, first, eos, maxLength, LogSoftmax::argmax);
    }
}
