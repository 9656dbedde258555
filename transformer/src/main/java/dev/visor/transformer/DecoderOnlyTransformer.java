package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Linear;
import dev.visor.transformer.decode.DecodingSession;
import dev.visor.transformer.decode.UncachedSession;
import java.util.Objects;

/**
 * A GPT-style language model (Radford et al., 2018): token embeddings and positions, a stack of
 * decoder blocks without source attention under the decoder self-attention masks ({@code causal & padding}
 * by default), a final norm and a generator giving next-token logits.
 *
 * <p>Parameter names: {@code embed.weight} ({@code embed.pos.weight} when learned),
 * {@code decoder.layers.N.{self_attn, linear1, linear2, norm1, norm2}.*}, {@code decoder.norm.*},
 * {@code generator.weight}/{@code .bias}. Each block is named as {@code torch.nn.TransformerEncoderLayer}
 * (a GPT block is an encoder layer under a causal mask), so a PyTorch {@code nn.TransformerEncoder}
 * run with a causal mask maps by renaming {@code encoder.} to {@code decoder.}. With tied weights the
 * generator shares {@code embed.weight}.
 *
 * <pre>{@code
 * DecoderOnlyTransformer lm = Transformers.decoderOnly(TransformerConfig.tiny(64).decoderOnly());
 * Tensor logits = lm.forward(TokenBatch.of(new int[][] {{1, 5, 9, 12}}, 0));     // (1, 4, 64)
 * DecodingSession s = lm.startDecoding(new int[][] {{1, 5, 9}});                 // prompt primed but its last token
 * List<Hypothesis> out = Greedy.decode(s, new int[] {9}, 2, 20);
 * }</pre>
 */
public final class DecoderOnlyTransformer extends TransformerModel {
    private final InputEmbedding embed;
    private final Decoder decoder;
    private final Linear generator;

    /**
     * A model from its parts; the decoder's layers must have no source attention.
     *
     * @param config the model configuration
     * @param embed the input embedding
     * @param decoder the decoder
     * @param generator the output projection
     */
    public DecoderOnlyTransformer(TransformerConfig config, InputEmbedding embed, Decoder decoder, Linear generator) {
        super(config);
        for (DecoderLayer l : decoder.layers()) {
            if (l.srcAttn() != null) {
                throw new IllegalArgumentException("a decoder-only model's layers have no source attention");
            }
        }
        this.embed = registerModule("embed", Objects.requireNonNull(embed, "embed"));
        this.decoder = registerModule("decoder", Objects.requireNonNull(decoder, "decoder"));
        this.generator = registerModule("generator", Objects.requireNonNull(generator, "generator"));
    }

    /**
     * Hidden states {@code (batch, L, dModel)} of {@code tokens}.
     *
     * @param tokens the token ids
     * @return hidden states {@code (batch, L, dModel)} of {@code tokens}
     */
    public Tensor hidden(TokenBatch tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return decoder.forward(embed.forward(tokens), null, SiteInputs.self(tokens), null);
    }

    /**
     * Next-token logits at every position, {@code (batch, L, vocab)}.
     *
     * @param tokens the token ids
     * @return next-token logits at every position, {@code (batch, L, vocab)}
     */
    public Tensor forward(TokenBatch tokens) {
        return generator.forward(hidden(tokens));
    }

    /** {@link #forward forward(input)}; the batch must have no source. */
    @Override
    public Tensor logits(TokenBatch source, TokenBatch input) {
        requireNoSource(source, "decoder-only");
        return forward(input);
    }

    /**
     * A fresh decoding session of {@code rows} rows on the KV cache (feed BOS first).
     *
     * @param rows the number of sequences decoded together, at least 1
     * @return a session with an empty KV cache per layer
     */
    public DecodingSession startDecoding(int rows) {
        return new CachedSession(this, decoder, embed, generator, rows, null, null);
    }

    /**
     * A session primed with every token of each prompt but the last (prompts of length ≥ 1); continue
     * by feeding the prompts' last tokens, e.g. {@code Greedy.decode(s, lastTokens, eos, n)}. Prompts
     * of different lengths are left-padded to the longest with {@code padId}: the padding is hidden by
     * the self-attention mask (valid ranges) and each row's tokens keep the positions they would have
     * alone, so a batch generates what each prompt generates by itself.
     *
     * @param prompts one prompt per row, each at least one token long
     * @return a session whose length is the longest prompt minus one
     */
    public DecodingSession startDecoding(int[][] prompts) {
        Objects.requireNonNull(prompts, "prompts");
        if (prompts.length == 0) throw new IllegalArgumentException("prompts must be at least one non-empty row");
        int n = 0;
        for (int r = 0; r < prompts.length; r++) {
            if (prompts[r].length == 0) throw new IllegalArgumentException("prompt " + r + " is empty");
            n = Math.max(n, prompts[r].length);
        }
        int[] starts = new int[prompts.length];
        int[][] padded = new int[prompts.length][n];
        for (int r = 0; r < prompts.length; r++) {
            starts[r] = n - prompts[r].length;
            java.util.Arrays.fill(padded[r], 0, starts[r], config().padId());
            System.arraycopy(prompts[r], 0, padded[r], starts[r], prompts[r].length);
        }
        boolean ragged = java.util.Arrays.stream(starts).anyMatch(s -> s > 0);
        CachedSession s = ragged ? new CachedSession(this, decoder, embed, generator, starts)
                : new CachedSession(this, decoder, embed, generator, prompts.length, null, null);
        if (n > 1) {
            int[][] head = new int[prompts.length][];
            for (int r = 0; r < prompts.length; r++) {
                head[r] = java.util.Arrays.copyOf(padded[r], n - 1);
            }
            s.feed(head);
        }
        return s;
    }

    /**
     * As {@link #startDecoding(int[][])}, re-running the whole prefix at each step (the oracle).
     *
     * @param prompts the prompts
     * @return as {@link #startDecoding(int[][])}, re-running the whole prefix at each step (the oracle)
     */
    public DecodingSession startDecodingUncached(int[][] prompts) {
        int n = checkPrompts(prompts);
        int[][] head = new int[prompts.length][];
        for (int r = 0; r < prompts.length; r++) {
            head[r] = java.util.Arrays.copyOf(prompts[r], n - 1);
        }
        UncachedSession s = new UncachedSession(prompts.length, config().tgtVocabSize(), (sources, prefixes) -> {
            int rows = sources.length;
            int[][] full = new int[rows][];
            for (int r = 0; r < rows; r++) {
                full[r] = new int[n - 1 + prefixes[r].length];
                System.arraycopy(head[sources[r]], 0, full[r], 0, n - 1);
                System.arraycopy(prefixes[r], 0, full[r], n - 1, prefixes[r].length);
            }
            int len = full[0].length;
            TokenBatch b = new TokenBatch(EncoderDecoderTransformer.flatten(full), rows, len,
                    EncoderDecoderTransformer.full(rows, len), null);
            return EncoderDecoderTransformer.lastLogits(() -> forward(b));
        });
        return s;
    }

    private static int checkPrompts(int[][] prompts) {
        if (prompts.length == 0 || prompts[0].length == 0) {
            throw new IllegalArgumentException("prompts must be at least one non-empty row");
        }
        int n = prompts[0].length;
        for (int r = 0; r < prompts.length; r++) {
            if (prompts[r].length != n) {
                throw new IllegalArgumentException("prompt " + r + " has " + prompts[r].length + " tokens but prompt 0 has " + n
                        + "; decode prompts of different lengths in separate sessions");
            }
        }
        return n;
    }

    /**
     * The input embedding.
     *
     * @return the input embedding
     */
    public InputEmbedding embed() {
        return embed;
    }

    /**
     * The decoder stack.
     *
     * @return the decoder stack
     */
    public Decoder decoder() {
        return decoder;
    }

    /**
     * The projection to vocabulary logits.
     *
     * @return the projection to vocabulary logits
     */
    public Linear generator() {
        return generator;
    }
}
