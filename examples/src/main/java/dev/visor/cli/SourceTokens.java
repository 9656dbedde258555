package dev.visor.cli;

import dev.visor.tasks.Vocabulary;
import dev.visor.transformer.TokenBatch;
import java.util.Arrays;
import java.util.List;

/**
 * Encoder inputs as the command line feeds them: the source symbols followed by {@code </s>}, in
 * training, evaluation, decoding and pictures alike (the {@code </s>} key shows up in attention maps).
 *
 * <pre>{@code
 * TokenBatch src = SourceTokens.batch(List.of(List.of("a", "b")), vocab);   // [[a, b, </s>]]
 * }</pre>
 */
final class SourceTokens {
    private SourceTokens() {}

    /**
     * Encodes sources into a padded batch.
     *
     * @param sources the source symbol lists
     * @param v the vocabulary
     * @return the encoder input with {@code </s>} appended to each row
     */
    static TokenBatch batch(List<List<String>> sources, Vocabulary v) {
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
