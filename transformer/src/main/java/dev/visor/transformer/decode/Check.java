package dev.visor.transformer.decode;

import java.util.Arrays;
import java.util.Objects;

/** Argument checks shared by the decoders. */
final class Check {
    private Check() {}

    /** {@code token} once per row of the session. */
    static int[] fill(DecodingSession session, int token) {
        Objects.requireNonNull(session, "session");
        int[] first = new int[session.rows()];
        Arrays.fill(first, token);
        return first;
    }

    static void start(DecodingSession session, int[] first, int eos, int maxLength) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(first, "first");
        if (session.rows() < 1) {
            throw new IllegalArgumentException("the session has no rows to decode");
        }
        if (first.length != session.rows()) {
            throw new IllegalArgumentException(first.length + " first tokens given for " + session.rows() + " rows");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1 but got " + maxLength);
        }
        int v = session.vocabSize();
        for (int r = 0; r < first.length; r++) {
            if (first[r] < 0 || first[r] >= v) {
                throw new IllegalArgumentException("first token " + first[r] + " of row " + r + " is outside the vocabulary [0, "
                        + v + ")");
            }
        }
        if (eos < 0 || eos >= v) {
            throw new IllegalArgumentException("eos=" + eos + " is outside the vocabulary [0, " + v + ")");
        }
    }
}
