package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import java.util.Objects;

/**
 * Tokens into the model (Vaswani et al., 2017, §3.4–3.5): {@code Dropout(Embed(x)·√d_model + PE)}.
 * The token table is inlined ({@code src_embed.weight}); a learned positional table appears as
 * {@code src_embed.pos.weight}.
 *
 * <pre>{@code
 * InputEmbedding in = new InputEmbedding(new Embeddings(vocab, 512, PAD, rng), PositionalEncoding.sinusoidal(512, 1024),
 *         new Dropout(0.1, rng.split()));
 * Tensor x = in.forward(batch, 0);                     // (batch, seq, 512)
 * }</pre>
 */
public final class InputEmbedding extends Composite {
    private final Embeddings embeddings;
    private final PositionalEncoding pos;
    private final Dropout dropout;

    /**
     * Token embeddings, positions and the dropout on their sum.
     *
     * @param embeddings the token embeddings
     * @param pos the positional encoding
     * @param dropout the dropout probability
     */
    public InputEmbedding(Embeddings embeddings, PositionalEncoding pos, Dropout dropout) {
        this.embeddings = inline("embeddings", Objects.requireNonNull(embeddings, "embeddings"));
        this.pos = registerModule("pos", Objects.requireNonNull(pos, "pos"));
        this.dropout = registerModule("dropout", Objects.requireNonNull(dropout, "dropout"));
        if (pos.dModel() != embeddings.dModel()) {
            throw new IllegalArgumentException("positional encoding has width " + pos.dModel() + " but the embeddings have "
                    + embeddings.dModel());
        }
    }

    /**
     * Embeds {@code tokens} at positions {@code 0..length−1}.
     *
     * @param tokens the token ids
     * @return the embedded tokens, {@code (batch, length, dModel)}
     */
    public Tensor forward(TokenBatch tokens) {
        return forward(tokens.ids(), tokens.batch(), tokens.length(), 0);
    }

    /**
     * Embeds {@code ids (batch, length)} at positions {@code offset .. offset+length−1}.
     *
     * @param ids the token ids
     * @param batch the batch size
     * @param length the length
     * @param offset the offset
     * @return {@code (batch, length, dModel)}
     */
    public Tensor forward(int[] ids, int batch, int length, int offset) {
        Tensor x = embeddings.forward(ids, batch, length);   // (batch, length, dModel)
        return dropout.forward(pos.forward(x, offset));
    }

    /**
     * Embeds {@code ids (batch, length)} with row {@code b} at positions {@code offsets[b] ..} (left
     * padding: negative positions are padding; see {@link PositionalEncoding#forward(Tensor, int[])}).
     *
     * @param ids row-major token ids {@code (batch, length)}
     * @param batch the number of rows, at least 1
     * @param length the tokens per row, at least 1
     * @param offsets the position of each row's first token, one per row; negative for left padding
     * @return {@code (batch, length, dModel)}
     */
    public Tensor forward(int[] ids, int batch, int length, int[] offsets) {
        Tensor x = embeddings.forward(ids, batch, length);   // (batch, length, dModel)
        return dropout.forward(pos.forward(x, offsets));
    }

    /**
     * The token table.
     *
     * @return the {@code (vocab, dModel)} embedding whose weight a tied generator shares
     */
    public Embeddings embeddings() {
        return embeddings;
    }

    /**
     * The positional encoding.
     *
     * @return the positional encoding
     */
    public PositionalEncoding positional() {
        return pos;
    }
}
