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

    /**
     * The rows {@code rows[0], rows[1], ...} of this batch, in that order, with the same padded lengths:
     * a shard of a data-parallel step whose rows were grouped by length ({@link ShardPlan}).
     *
     * @param rows row indices in {@code [0, batch)}, at least one, none twice
     * @return a batch of {@code rows.length} rows
     * @throws IllegalArgumentException for no rows, a row outside the batch or one listed twice, naming it
     */
    public Batch pick(int[] rows) {
        int n = input.batch();
        if (rows.length == 0) {
            throw new IllegalArgumentException("pick needs at least one row of a batch of " + n);
        }
        boolean[] seen = new boolean[n];
        for (int r : rows) {
            if (r < 0 || r >= n || seen[r]) {
                throw new IllegalArgumentException("row " + r + " of a batch of " + n + (r < 0 || r >= n ? " is outside [0, " + n + ")"
                        : " is listed twice in " + Arrays.toString(rows)));
            }
            seen[r] = true;
        }
        int length = input.length();
        int[] t = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(targets, rows[i] * length, t, i * length, length);
        }
        return new Batch(source == null ? null : pick(source, rows, source.length()), pick(input, rows, length), t);
    }

    /**
     * This batch cut to the shortest padded lengths that keep every real token and every target: the
     * input to {@code max(valid length, last target that is not pad + 1)} over the rows, the source to its
     * longest valid row. For a model whose attention masks the padded keys (the default mask plan),
     * each real position's outputs and loss are the same as in the uncut batch up to rounding, with
     * less work on padding.
     *
     * @param pad the padding id of the targets
     * @return this batch when nothing can be cut, otherwise the cut copy
     */
    public Batch trimmed(int pad) {
        int[] spans = inputSpans(pad);
        int lt = 1;
        for (int v : spans) {
            lt = Math.max(lt, v);
        }
        int ls = source == null ? 0 : Math.max(1, max(source.validLengths()));
        if (lt == input.length() && (source == null || ls == source.length())) {
            return this;
        }
        int length = input.length();
        int[] t = new int[input.batch() * lt];
        for (int b = 0; b < input.batch(); b++) {
            System.arraycopy(targets, b * length, t, b * lt, lt);
        }
        return new Batch(source == null ? null : cut(source, ls), cut(input, lt), t);
    }

    /**
     * How much of each input row a step needs: {@code max(valid length, last non-pad target + 1)}.
     *
     * @param pad the padding id of the targets
     * @return one span per row, each in {@code [0, L]}
     */
    int[] inputSpans(int pad) {
        int length = input.length();
        int[] spans = input.validLengths();
        for (int b = 0; b < spans.length; b++) {
            for (int i = length - 1; i >= spans[b]; i--) {
                if (targets[b * length + i] != pad) {
                    spans[b] = i + 1;
                    break;
                }
            }
        }
        return spans;
    }

    private static int max(int[] values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static TokenBatch pick(TokenBatch t, int[] rows, int length) {
        int[] ids = t.ids();
        int[] valid = t.validLengths();
        int[][] segments = t.segmentIds();
        int[] outIds = new int[rows.length * length];
        int[] outValid = new int[rows.length];
        int[][] outSegments = segments == null ? null : new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(ids, rows[i] * length, outIds, i * length, length);
            outValid[i] = valid[rows[i]];
            if (segments != null) {
                outSegments[i] = segments[rows[i]];
            }
        }
        return new TokenBatch(outIds, rows.length, length, outValid, outSegments);
    }

    private static TokenBatch cut(TokenBatch t, int length) {
        int old = t.length();
        int[] ids = t.ids();
        int[][] segments = t.segmentIds();
        int[] out = new int[t.batch() * length];
        for (int b = 0; b < t.batch(); b++) {
            System.arraycopy(ids, b * old, out, b * length, length);
            if (segments != null) {
                segments[b] = Arrays.copyOf(segments[b], length);
            }
        }
        return new TokenBatch(out, t.batch(), length, t.validLengths(), segments);
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
