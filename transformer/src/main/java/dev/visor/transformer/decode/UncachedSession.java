package dev.visor.transformer.decode;

import java.util.Arrays;
import java.util.Objects;

/**
 * A decoding session without a cache: every step re-runs the model on each row's whole prefix and
 * keeps the logits of the last position. Quadratic in the length, so it is the oracle that the
 * cached sessions are checked against (and a fallback for a model without a cache), not the way to
 * decode.
 *
 * <pre>{@code
 * DecodingSession slow = new UncachedSession(rows, vocab, (sources, prefixes) -> model.lastLogits(src, sources, prefixes));
 * }</pre>
 */
public final class UncachedSession implements DecodingSession {

    /** Logits after full prefixes: the model's view an uncached session needs. */
    @FunctionalInterface
    public interface PrefixModel {
        /**
         * The next-token logits after each prefix, {@code (rows, vocab)}.
         *
         * @param sources  for each row, the original row it descends from (which source sentence)
         * @param prefixes each row's tokens so far; all of the same length ≥ 1
         * @return fresh logits {@code (rows, vocab)}, one row per prefix
         */
        float[][] lastLogits(int[] sources, int[][] prefixes);
    }

    private final int vocab;
    private final PrefixModel model;
    private int[] sources;
    private int[][] prefixes;

    /**
     * A session of {@code rows} rows over {@code model}.
     *
     * @param rows the number of rows at the start, at least 1
     * @param vocab the vocabulary size, the length of each logits row
     * @param model recomputes the next-token logits from each row's whole prefix
     */
    public UncachedSession(int rows, int vocab, PrefixModel model) {
        if (rows < 1 || vocab < 1) {
            throw new IllegalArgumentException("a session needs rows >= 1 and vocab >= 1 but got rows=" + rows + ", vocab=" + vocab);
        }
        this.vocab = vocab;
        this.model = Objects.requireNonNull(model, "model");
        this.sources = new int[rows];
        this.prefixes = new int[rows][0];
        for (int r = 0; r < rows; r++) {
            sources[r] = r;
        }
    }

    @Override
    public int rows() {
        return sources.length;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int length() {
        return prefixes.length == 0 ? 0 : prefixes[0].length;
    }

    @Override
    public float[][] step(int[] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length != rows()) {
            throw new IllegalArgumentException("step got " + tokens.length + " tokens for " + rows() + " rows");
        }
        for (int r = 0; r < tokens.length; r++) {
            int[] p = Arrays.copyOf(prefixes[r], prefixes[r].length + 1);
            p[p.length - 1] = tokens[r];
            prefixes[r] = p;
        }
        return model.lastLogits(sources.clone(), prefixes.clone());
    }

    @Override
    public void select(int[] rows) {
        Objects.requireNonNull(rows, "rows");
        int[] s = new int[rows.length];
        int[][] p = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= sources.length) {
                throw new IllegalArgumentException("select index " + rows[i] + " at " + i + " is outside the "
                        + sources.length + " rows");
            }
            s[i] = sources[rows[i]];
            p[i] = prefixes[rows[i]];
        }
        sources = s;
        prefixes = p;
    }
}
