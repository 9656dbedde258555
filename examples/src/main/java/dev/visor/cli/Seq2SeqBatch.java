package dev.visor.cli;

import dev.visor.tasks.Example;
import dev.visor.tasks.Vocabulary;
import dev.visor.transformer.TokenBatch;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of sequence-to-sequence examples in the model's format: the source with {@code </s>}
 * appended, the decoder input {@code <s> y₁ … yₙ}, and the targets {@code y₁ … yₙ </s>} shifted
 * by one (teacher forcing), with {@link #IGNORE} on padding so the loss skips it.
 *
 * @param source the encoder input
 * @param decoderInput the decoder input
 * @param targets {@code batch · decoderInput.length()} next-token ids, {@link #IGNORE} on padding
 * @param targetTokens the number of non-ignored targets
 */
record Seq2SeqBatch(TokenBatch source, TokenBatch decoderInput, int[] targets, int targetTokens) {
    /** The target id the loss ignores (PyTorch's default). */
    static final int IGNORE = -100;

    /**
     * Encodes examples.
     *
     * @param examples the examples
     * @param v their vocabulary
     * @return the batch
     */
    static Seq2SeqBatch of(List<Example> examples, Vocabulary v) {
        int n = examples.size();
        int[][] src = new int[n][];
        int[][] in = new int[n][];
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            src[i] = withEos(v.encode(examples.get(i).source()), v);
            int[] y = v.encode(examples.get(i).target());
            in[i] = new int[y.length + 1];
            in[i][0] = v.bosId();
            System.arraycopy(y, 0, in[i], 1, y.length);
            out[i] = withEos(y, v);
        }
        TokenBatch dec = TokenBatch.of(in, v.padId());
        int[] targets = new int[n * dec.length()];
        Arrays.fill(targets, IGNORE);
        int count = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(out[i], 0, targets, i * dec.length(), out[i].length);
            count += out[i].length;
        }
        return new Seq2SeqBatch(TokenBatch.of(src, v.padId()), dec, targets, count);
    }

    /**
     * Encodes sources alone, for decoding.
     *
     * @param sources the source symbol lists
     * @param v the vocabulary
     * @return the encoder input with {@code </s>} appended
     */
    static TokenBatch sources(List<List<String>> sources, Vocabulary v) {
        int[][] src = new int[sources.size()][];
        for (int i = 0; i < src.length; i++) src[i] = withEos(v.encode(sources.get(i)), v);
        return TokenBatch.of(src, v.padId());
    }

    /**
     * Appends {@code </s>}.
     *
     * @param ids token ids
     * @param v the vocabulary
     * @return the ids and {@code </s>}
     */
    static int[] withEos(int[] ids, Vocabulary v) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = v.eosId();
        return out;
    }
}
