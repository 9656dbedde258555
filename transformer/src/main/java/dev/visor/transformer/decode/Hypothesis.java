package dev.visor.transformer.decode;

import java.util.Arrays;

/**
 * One decoded sequence: its tokens (without the start token; ending with EOS when it finished), the
 * sum of the log-probabilities of those tokens, and its score (the log-probability divided by the
 * length penalty for beam search, the log-probability otherwise).
 *
 * @param tokens  the generated tokens
 * @param logProb {@code Σ log p(token_t | prefix)}
 * @param score   the ranking score
 */
public record Hypothesis(int[] tokens, double logProb, double score) {
    /**
     * Copies the tokens.
     *
     * @param tokens   not null; copied
     * @param logProb  at most 0
     * @param score    as ranked by the search that made it
     */
    public Hypothesis {
        tokens = tokens.clone();
    }

    /**
     * The tokens (a copy).
     *
     * @return a fresh array of the generated tokens, in order
     */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /**
     * Number of generated tokens.
     *
     * @return the number of generated tokens, EOS included
     */
    public int length() {
        return tokens.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hypothesis h && Arrays.equals(tokens, h.tokens) && Double.compare(logProb, h.logProb) == 0
                && Double.compare(score, h.score) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens) * 31 + Double.hashCode(logProb);
    }

    @Override
    public String toString() {
        return "Hypothesis" + Arrays.toString(tokens) + String.format(" logProb=%.4f score=%.4f", logProb, score);
    }
}
