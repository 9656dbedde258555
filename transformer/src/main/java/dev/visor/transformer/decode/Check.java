package dev.visor.transformer.decode;

/** Argument checks shared by the decoders. */
final class Check {
    private Check() {}

    static void fresh(DecodingSession session, int maxLength, int bos, int eos) {
        if (session.length() != 0) {
            throw new IllegalArgumentException("decoding needs a fresh session but this one has been fed " + session.length()
                    + " tokens");
        }
        if (session.rows() < 1) {
            throw new IllegalArgumentException("the session has no rows to decode");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1 but got " + maxLength);
        }
        int v = session.vocabSize();
        if (bos < 0 || bos >= v || eos < 0 || eos >= v) {
            throw new IllegalArgumentException("bos=" + bos + " and eos=" + eos + " must lie in the vocabulary [0, " + v + ")");
        }
    }
}
