package dev.visor.transformer.train;

import dev.visor.transformer.TokenBatch;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training batch: the model's input tokens, the target at every input position (the pad id where
 * nothing is to be predicted), and for an encoder-decoder model the source. For sequence-to-sequence
 * training with teacher forcing the input is {@code [BOS] + y} and the target {@code y + [EOS]}
 * ({@link #seq2seq}); for a language model the target is the input shifted by one ({@link #languageModel}).
 *
 * <pre>{@code
 * Batch b = Batch.seq2seq(new int[][] {{5, 6, 7}}, new int[][] {{7, 6, 5}}, BOS, EOS, PAD);
 * b.input().rows();   // {{1, 7, 6, 5}}
 * b.targets();        // {7, 6, 5, 2}
 * }</pre>
 *
 * @param source  the encoder input, or {@code null} for single-stream models
 * @param input   the decoder (or single-stream) input {@code (batch, L)}
 * @param targets row-major {@code (batch, L)} targets; the pad id is ignored by the loss
 */
public record Batch(TokenBatch source, TokenBatch input, int[] targets) {
    /**
     * Checks that there is one target per input position and copies them.
     *
     * @param source  the encoder input {@code (batch, S)}, or {@code null} for a decoder-only or encoder-only model
     * @param input   the decoder (or single-stream) input {@code (batch, L)}; not null
     * @param targets row-major {@code (batch, L)} target ids, exactly {@code batch · L} of them; copied
     * @throws IllegalArgumentException when the number of targets is not {@code batch · L}
     */
    public Batch {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(targets, "targets");
        if (targets.length != input.batch() * input.length()) {
            throw new IllegalArgumentException(targets.length + " targets for an input of (" + input.batch() + ", "
                    + input.length() + ")");
        }
        if (source != null && source.batch() != input.batch()) {
            throw new IllegalArgumentException("source batch " + source.batch() + " and input batch " + input.batch() + " differ");
        }
        targets = targets.clone();
    }

    /**
     * Teacher forcing: input {@code [bos] + y}, target {@code y + [eos]}, rows padded with {@code pad}.
     *
     * @param sources the source sequences, one row per example (rows may differ in length); become the encoder input padded with {@code pad}
     * @param targets the target sequences {@code y}, as many rows as {@code sources}
     * @param bos the begin-of-sequence id put before each target row in the decoder input
     * @param eos the end-of-sequence id appended to each target row in the targets
     * @param pad the padding id filling short rows; the loss ignores targets equal to it
     * @return a batch with input {@code (batch, 1 + longest target)} and the source as encoder input
     */
    public static Batch seq2seq(int[][] sources, int[][] targets, int bos, int eos, int pad) {
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(targets, "targets");
        if (sources.length != targets.length) {
            throw new IllegalArgumentException(sources.length + " sources but " + targets.length + " targets");
        }
        int[][] in = new int[targets.length][];
        int[][] out = new int[targets.length][];
        for (int b = 0; b < targets.length; b++) {
            in[b] = new int[targets[b].length + 1];
            in[b][0] = bos;
            System.arraycopy(targets[b], 0, in[b], 1, targets[b].length);
            out[b] = Arrays.copyOf(targets[b], targets[b].length + 1);
            out[b][targets[b].length] = eos;
        }
        TokenBatch input = TokenBatch.of(in, pad);
        return new Batch(TokenBatch.of(sources, pad), input, TokenBatch.of(out, pad).ids());
    }

    /**
     * Next-token prediction: each row's target is the row shifted left by one, the last position unused.
     *
     * @param rows token sequences, one per example (rows may differ in length; short ones are padded)
     * @param pad the padding id; padded positions and the last position of each row get it as target
     * @return a single-stream batch (no source) whose input is {@code rows} padded to the longest row
     */
    public static Batch languageModel(int[][] rows, int pad) {
        TokenBatch input = TokenBatch.of(rows, pad);
        int[] targets = new int[input.batch() * input.length()];
        Arrays.fill(targets, pad);
        int[] valid = input.validLengths();
        for (int b = 0; b < input.batch(); b++) {
            for (int i = 0; i + 1 < valid[b]; i++) {
                targets[b * input.length() + i] = input.id(b, i + 1);
            }
        }
        return new Batch(null, input, targets);
    }

    /**
     * The targets (a copy).
     *
     * @return a fresh row-major {@code (batch, L)} array; changing it does not change this batch
     */
    @Override
    public int[] targets() {
        return targets.clone();
    }

    /**
     * Rows {@code from .. to-1} of this batch, with the same padded lengths: a shard of a
     * data-parallel step (the loss of the shards' sums equals the batch's, padding being ignored).
     *
     * @param from the first row, in {@code [0, batch)}
     * @param to one past the last row, in {@code (from, batch]}
     * @return a batch of {@code to - from} rows
     * @throws IllegalArgumentException when the range is empty or outside the batch
     */
    public Batch rows(int from, int to) {
        int n = input.batch();
        if (from < 0 || to > n || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + n
                    + ": expected 0 <= from < to <= " + n);
        }
        int length = input.length();
        return new Batch(source == null ? null : slice(source, from, to), slice(input, from, to),
                Arrays.copyOfRange(targets, from * length, to * length));
    }

    private static TokenBatch slice(TokenBatch t, int from, int to) {
        int length = t.length();
        int[][] segments = t.segmentIds();
        return new TokenBatch(Arrays.copyOfRange(t.ids(), from * length, to * length), to - from, length,
                Arrays.copyOfRange(t.validLengths(), from, to), segments == null ? null : Arrays.copyOfRange(segments, from, to));
    }

    /**
     * Number of targets that are not {@code pad}: the tokens the loss averages over.
     *
     * @param pad the padding id of the batch
     * @return how many targets differ from {@code pad}, in {@code [0, batch · L]}
     */
    public int targetCount(int pad) {
        int n = 0;
        for (int t : targets) {
            if (t != pad) {
                n++;
            }
        }
        return n;
    }
}
