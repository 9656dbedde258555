package dev.visor.transformer.decode;

/**
 * Beam search settings. Hypotheses are ranked by {@code log p(Y) / lp(Y)} with the length penalty of
 * Wu et al. (2016), {@code lp(Y) = ((5 + |Y|) / 6)^α}: α = 0 ranks by log-probability alone, α &gt; 0
 * favours longer outputs (0.6 in GNMT and in Vaswani et al., §6.1).
 *
 * <pre>{@code
 * BeamOptions opts = BeamOptions.of(4, 50).withLengthPenalty(0.6);
 * }</pre>
 *
 * @param width         beams kept per source row, ≥ 1
 * @param maxLength     the most tokens generated (EOS included), ≥ 1
 * @param lengthPenalty α
 * @param earlyStopping stop a row as soon as it has {@code width} finished hypotheses; when false, stop
 *                      only once no live beam can still beat the worst of them (an exact bound)
 */
public record BeamOptions(int width, int maxLength, double lengthPenalty, boolean earlyStopping) {
    /**
     * Checks the ranges.
     *
     * @param width         at least 1
     * @param maxLength     at least 1
     * @param lengthPenalty finite; 0 for none, negative values favour shorter outputs
     * @param earlyStopping either
     * @throws IllegalArgumentException naming the value outside its range
     */
    public BeamOptions {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be >= 1 but got " + width);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1 but got " + maxLength);
        }
        if (!Double.isFinite(lengthPenalty)) {
            throw new IllegalArgumentException("lengthPenalty must be finite but got " + lengthPenalty);
        }
    }

    /**
     * {@code width} beams, no length penalty, early stopping.
     *
     * @param width beams kept per source row, at least 1 (1 is greedy decoding with scores)
     * @param maxLength the most tokens generated per row (EOS included), at least 1
     * @return options with α = 0 and early stopping on
     */
    public static BeamOptions of(int width, int maxLength) {
        return new BeamOptions(width, maxLength, 0.0, true);
    }

    /**
     * These options with length penalty α.
     *
     * @param alpha the exponent α of {@code lp(Y)}, finite; 0.6 in GNMT and in Vaswani et al.
     * @return a copy with the new penalty
     */
    public BeamOptions withLengthPenalty(double alpha) {
        return new BeamOptions(width, maxLength, alpha, earlyStopping);
    }

    /**
     * These options with early stopping on or off.
     *
     * @param on true to stop a row once it has {@code width} finished hypotheses, false for the exact bound
     * @return a copy with the new stopping rule
     */
    public BeamOptions withEarlyStopping(boolean on) {
        return new BeamOptions(width, maxLength, lengthPenalty, on);
    }

    /**
     * {@code ((5 + length) / 6)^α}.
     *
     * @param length the hypothesis length {@code |Y|} in tokens, EOS included
     * @return the divisor of the log-probability, 1 when α = 0 or {@code length == 1}
     */
    public double penalty(int length) {
        return Math.pow((5.0 + length) / 6.0, lengthPenalty);
    }
}
