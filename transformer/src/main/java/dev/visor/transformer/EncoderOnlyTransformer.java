package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Linear;
import java.util.Objects;

/**
 * A BERT-style encoder (Devlin et al., 2019) with a per-token head: token embeddings and positions,
 * the encoder stack under the encoder self-attention masks ({@code padding} by default), a final
 * norm, and a linear head giving {@code tgtVocabSize} logits per token — the vocabulary for a masked
 * language model (train on the masked positions only by giving the others the pad id as target), or
 * the label set for token classification.
 *
 * <p>Parameter names: {@code embed.weight} ({@code embed.pos.weight} when learned),
 * {@code encoder.layers.N.*} and {@code encoder.norm.*} exactly as {@code torch.nn.TransformerEncoder},
 * and {@code generator.weight}/{@code .bias}; with tied weights the head shares {@code embed.weight}.
 *
 * <pre>{@code
 * EncoderOnlyTransformer tagger = Transformers.encoderOnly(TransformerConfig.tiny(100).encoderOnly()
 *         .toBuilder().tgtVocabSize(5).build());                                  // 5 labels
 * Tensor logits = tagger.forward(TokenBatch.of(sentences, 0));                   // (batch, L, 5)
 * }</pre>
 */
public final class EncoderOnlyTransformer extends TransformerModel {
    private final InputEmbedding embed;
    private final Encoder encoder;
    private final Linear generator;

    /**
     * A model from its parts.
     *
     * @param config the model configuration
     * @param embed the input embedding
     * @param encoder the encoder
     * @param generator the output projection
     */
    public EncoderOnlyTransformer(TransformerConfig config, InputEmbedding embed, Encoder encoder, Linear generator) {
        super(config);
        this.embed = registerModule("embed", Objects.requireNonNull(embed, "embed"));
        this.encoder = registerModule("encoder", Objects.requireNonNull(encoder, "encoder"));
        this.generator = registerModule("generator", Objects.requireNonNull(generator, "generator"));
    }

    /**
     * Contextual hidden states {@code (batch, L, dModel)}.
     *
     * @param tokens the token ids
     * @return contextual hidden states {@code (batch, L, dModel)}
     */
    public Tensor hidden(TokenBatch tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return encoder.forward(embed.forward(tokens), SiteInputs.self(tokens));
    }

    /**
     * Per-token logits {@code (batch, L, tgtVocabSize)}.
     *
     * @param tokens the token ids
     * @return per-token logits {@code (batch, L, tgtVocabSize)}
     */
    public Tensor forward(TokenBatch tokens) {
        return generator.forward(hidden(tokens));
    }

    /** {@link #forward forward(input)}; the batch must have no source. */
    @Override
    public Tensor logits(TokenBatch source, TokenBatch input) {
        requireNoSource(source, "encoder-only");
        return forward(input);
    }

    /**
     * The input embedding.
     *
     * @return the token table plus positions (and its dropout) that feeds the encoder
     */
    public InputEmbedding embed() {
        return embed;
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
     * The per-token head.
     *
     * @return the per-token head
     */
    public Linear generator() {
        return generator;
    }
}
