package dev.visor.transformer;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.nn.Module;
import dev.visor.transformer.decode.DecodingSession;
import dev.visor.transformer.decode.UncachedSession;
import java.util.Arrays;
import java.util.Objects;

/**
 * The encoder-decoder Transformer of Vaswani et al. (2017), assembled from its parts in the manner of
 * The Annotated Transformer's {@code EncoderDecoder}: {@link #encode} maps source tokens to the
 * {@code memory}, {@link #decode} maps target tokens and the memory to hidden states, and the
 * {@link #generator()} maps those to next-token logits.
 *
 * <p>Parameter names are {@code torch.nn.Transformer}'s for everything it has
 * ({@code encoder.layers.0.self_attn.in_proj_weight}, {@code encoder.layers.0.linear1.weight},
 * {@code encoder.layers.0.norm1.weight}, {@code encoder.norm.weight},
 * {@code decoder.layers.0.multihead_attn.out_proj.bias}, ...), plus {@code src_embed.weight},
 * {@code tgt_embed.weight} (and {@code src_embed.pos.weight}, {@code tgt_embed.pos.weight} when
 * positions are learned) and {@code generator.weight}, {@code generator.bias}; so a PyTorch
 * {@code nn.Transformer} state dict exported to safetensors loads directly.
 *
 * <pre>{@code
 * EncoderDecoderTransformer model = Transformers.encoderDecoder(TransformerConfig.tiny(16));
 * TokenBatch src = TokenBatch.of(new int[][] {{5, 6, 7, 2}}, 0);
 * TokenBatch tgt = TokenBatch.of(new int[][] {{1, 7, 6, 5}}, 0);
 * Tensor logits = model.forward(src, tgt);                       // (1, 4, 16)
 * List<Hypothesis> out = Greedy.decode(model.startDecoding(src), 1, 2, 10);
 * }</pre>
 */
public final class EncoderDecoderTransformer extends TransformerModel {
    private final Encoder encoder;
    private final Decoder decoder;
    private final InputEmbedding srcEmbed;
    private final InputEmbedding tgtEmbed;
    private final Linear generator;

    /**
     * A model from its parts (pass the same {@code InputEmbedding} twice to share source and target
     * embeddings, and a {@code Linear} over the target embedding table to tie the generator).
     *
     * @param config the model configuration
     * @param encoder the encoder
     * @param decoder the decoder
     * @param srcEmbed the source embedding
     * @param tgtEmbed the target embedding
     * @param generator the output projection
     */
    public EncoderDecoderTransformer(TransformerConfig config, Encoder encoder, Decoder decoder, InputEmbedding srcEmbed,
                                     InputEmbedding tgtEmbed, Linear generator) {
        super(config);
        this.encoder = registerModule("encoder", Objects.requireNonNull(encoder, "encoder"));
        this.decoder = registerModule("decoder", Objects.requireNonNull(decoder, "decoder"));
        this.srcEmbed = registerModule("src_embed", Objects.requireNonNull(srcEmbed, "srcEmbed"));
        this.tgtEmbed = registerModule("tgt_embed", Objects.requireNonNull(tgtEmbed, "tgtEmbed"));
        this.generator = registerModule("generator", Objects.requireNonNull(generator, "generator"));
    }

    /**
     * Encodes the source: {@code Encoder(Dropout(Embed(src)·√d + PE))} under the encoder
     * self-attention masks.
     *
     * @param src the source tokens
     * @return the memory {@code (batch, Ls, dModel)}
     */
    public Tensor encode(TokenBatch src) {
        Objects.requireNonNull(src, "src");
        return encoder.forward(srcEmbed.forward(src), SiteInputs.self(src));
    }

    /**
     * Decodes the target given the memory: {@code Decoder(Dropout(Embed(tgt)·√d + PE), memory)} under
     * the decoder self-attention and cross-attention masks.
     *
     * @param memory the encoder output for {@code src}, {@code (batch, Ls, dModel)}
     * @param src the source tokens
     * @param tgt the target tokens
     * @return hidden states {@code (batch, Lt, dModel)}
     */
    public Tensor decode(Tensor memory, TokenBatch src, TokenBatch tgt) {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(tgt, "tgt");
        checkMemory(memory, src);
        if (tgt.batch() != src.batch()) {
            throw new IllegalArgumentException("target batch " + tgt.batch() + " and source batch " + src.batch() + " differ");
        }
        return decoder.forward(tgtEmbed.forward(tgt), memory, SiteInputs.self(tgt), SiteInputs.cross(tgt, src));
    }

    /**
     * Next-token logits for every target position: {@code generator(decode(encode(src), src, tgt))}, {@code (batch, Lt, vocab)}.
     *
     * @param src the source tokens
     * @param tgt the target tokens
     * @return next-token logits for every target position: {@code generator(decode(encode(src), src, tgt))}, {@code (batch, Lt, vocab)}
     */
    public Tensor forward(TokenBatch src, TokenBatch tgt) {
        return generator.forward(decode(encode(src), src, tgt));
    }

    /** {@link #forward forward(source, input)}; the batch must have a source. */
    @Override
    public Tensor logits(TokenBatch source, TokenBatch input) {
        if (source == null) {
            throw new IllegalArgumentException("an encoder-decoder model needs batches with a source");
        }
        return forward(source, input);
    }

    /**
     * A session that decodes one target per source row on the KV cache. The source is encoded once,
     * without autograd and in evaluation mode.
     *
     * @param src the source tokens
     * @return a session that decodes one target per source row on the KV cache
     */
    public DecodingSession startDecoding(TokenBatch src) {
        Tensor memory = encodeForDecoding(src);
        return new CachedSession(this, decoder, tgtEmbed, generator, src.batch(), memory, src);
    }

    /**
     * As {@link #startDecoding}, but re-running the decoder over the whole prefix at each step (the oracle).
     *
     * @param src the source tokens
     * @return as {@link #startDecoding}, but re-running the decoder over the whole prefix at each step (the oracle)
     */
    public DecodingSession startDecodingUncached(TokenBatch src) {
        Tensor memory = encodeForDecoding(src);
        int[][] srcRows = src.rows();
        int[] srcValid = src.validLengths();
        return new UncachedSession(src.batch(), config().tgtVocabSize(), (sources, prefixes) -> {
            int rows = sources.length;
            int[][] s = new int[rows][];
            int[] valid = new int[rows];
            int[] idx = new int[rows];
            for (int r = 0; r < rows; r++) {
                s[r] = srcRows[sources[r]];
                valid[r] = srcValid[sources[r]];
                idx[r] = sources[r];
            }
            TokenBatch srcBatch = new TokenBatch(flatten(s), rows, src.length(), valid, null);
            int len = prefixes[0].length;
            TokenBatch tgt = new TokenBatch(flatten(prefixes), rows, len, full(rows, len), null);
            return lastLogits(() -> generator.forward(decode(rowsOf(memory, idx), srcBatch, tgt)));
        });
    }

    private Tensor encodeForDecoding(TokenBatch src) {
        Objects.requireNonNull(src, "src");
        try (GradMode.Scope noGrad = GradMode.disable(); GradMode.Scope evaluating = Module.evaluating()) {
            return encode(src);
        }
    }

    static float[][] lastLogits(java.util.function.Supplier<Tensor> run) {
        // the model's mode is shared between threads: behave as in evaluation without changing it
        try (GradMode.Scope noGrad = GradMode.disable(); GradMode.Scope evaluating = Module.evaluating()) {
            Tensor logits = run.get();                                  // (rows, L, vocab)
            int rows = logits.size(0);
            int len = logits.size(1);
            int v = logits.size(2);
            float[] last = logits.narrow(1, len - 1, 1).toArray();
            float[][] out = new float[rows][];
            for (int r = 0; r < rows; r++) {
                out[r] = Arrays.copyOfRange(last, r * v, (r + 1) * v);
            }
            return out;
        }
    }

    static int[] full(int rows, int length) {
        int[] v = new int[rows];
        Arrays.fill(v, length);
        return v;
    }

    static int[] flatten(int[][] rows) {
        int len = rows[0].length;
        int[] out = new int[rows.length * len];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * len, len);
        }
        return out;
    }

    private static Tensor rowsOf(Tensor x, int[] rows) {
        Tensor[] parts = new Tensor[rows.length];
        for (int i = 0; i < rows.length; i++) {
            parts[i] = x.narrow(0, rows[i], 1);
        }
        return Tensor.cat(0, parts);
    }

    private void checkMemory(Tensor memory, TokenBatch src) {
        int d = config().dModel();
        if (memory.dim() != 3 || memory.size(0) != src.batch() || memory.size(1) != src.length() || memory.size(2) != d) {
            throw new IllegalArgumentException("memory has shape " + Shape.str(memory.shape()) + " but the source needs ("
                    + src.batch() + ", " + src.length() + ", " + d + ")");
        }
    }

    /**
     * The encoder stack.
     *
     * @return the encoder stack
     */
    public Encoder encoder() {
        return encoder;
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
     * The source embedding.
     *
     * @return the source embedding
     */
    public InputEmbedding srcEmbed() {
        return srcEmbed;
    }

    /**
     * The target embedding.
     *
     * @return the target embedding
     */
    public InputEmbedding tgtEmbed() {
        return tgtEmbed;
    }

    /**
     * The final projection to target-vocabulary logits.
     *
     * @return the final projection to target-vocabulary logits
     */
    public Linear generator() {
        return generator;
    }
}
