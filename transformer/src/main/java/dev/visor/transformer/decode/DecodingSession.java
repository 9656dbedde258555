package dev.visor.transformer.decode;

/**
 * A model being decoded token by token for a set of rows (sequences): feed one token per row, get
 * the next-token logits of every row. Rows can be re-selected between steps — duplicated, dropped or
 * reordered — which is what beam search needs (and what a KV cache must follow). Implementations:
 * the models' cached sessions (on the KV cache) and {@link UncachedSession}, which re-runs the whole
 * prefix every step and is the oracle the cached ones are tested against.
 *
 * <pre>{@code
 * DecodingSession s = model.startDecoding(src);      // one row per source sentence
 * float[][] logits = s.step(new int[] {BOS, BOS});   // (rows, vocab)
 * s.select(new int[] {0, 0, 1, 1});                  // two copies of each row, e.g. for two beams
 * }</pre>
 */
public interface DecodingSession {
    /**
     * The current number of rows.
     *
     * @return the number of rows {@link #step} expects tokens for; changed by {@link #select}
     */
    int rows();

    /**
     * The vocabulary size (the length of each logits row).
     *
     * @return the number of logits {@link #step} returns per row
     */
    int vocabSize();

    /**
     * How many tokens each row has been fed so far.
     *
     * @return the tokens fed to every row so far (the same for all rows), 0 for a fresh session
     */
    int length();

    /**
     * Appends {@code tokens[r]} to row {@code r} and returns the logits of the token after it,
     * {@code (rows, vocab)}.
     *
     * @param tokens one token id per row, in {@code [0, vocabSize())}
     * @return fresh unnormalised logits {@code (rows, vocab)} the caller may modify
     * @throws IllegalArgumentException when {@code tokens.length != rows()}
     */
    float[][] step(int[] tokens);

    /**
     * Makes the new row {@code i} a copy of the current row {@code rows[i]} (with all it has been
     * fed); the number of rows becomes {@code rows.length}.
     *
     * @param rows for each new row, the current row it copies; indices may repeat (a beam split) or be left out (a beam dropped)
     * @throws IllegalArgumentException naming an index outside {@code [0, rows())}
     */
    void select(int[] rows);
}
