package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code dim}, as
 * {@code torch.nn.Embedding}: initialised from {@code N(0, 1)}; with a padding index, that row is
 * zeroed at construction and never receives a gradient.
 *
 * <pre>{@code
 * Embedding tok = new Embedding(vocab, 512, PAD, rng);
 * Tensor x = tok.forward(ids, batch, seq);                  // (batch, seq, 512)
 * }</pre>
 */
public final class Embedding extends Module {
    private final int numEmbeddings;
    private final int dim;
    private final int paddingIdx; // normalised to [0, numEmbeddings), or EmbeddingOp.NO_PADDING
    private final Tensor weight;

    /**
     * A table without a padding row.
     *
     * @param numEmbeddings the number of rows
     * @param dim the dimension (negative counts from the end)
     * @param rng the random source
     */
    public Embedding(int numEmbeddings, int dim, Rng rng) {
        this(numEmbeddings, dim, EmbeddingOp.NO_PADDING, false, rng);
    }

    /**
     * A table whose row {@code paddingIdx} (negative counts from the end) is zero and receives no
     * gradient.
     *
     * @param numEmbeddings the number of rows
     * @param dim the dimension (negative counts from the end)
     * @param paddingIdx the padding id, whose row stays zero
     * @param rng the random source
     */
    public Embedding(int numEmbeddings, int dim, int paddingIdx, Rng rng) {
        this(numEmbeddings, dim, paddingIdx, true, rng);
    }

    private Embedding(int numEmbeddings, int dim, int paddingIdx, boolean padded, Rng rng) {
        if (numEmbeddings < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding needs numEmbeddings >= 1 and dim >= 1 but got numEmbeddings="
                    + numEmbeddings + ", dim=" + dim);
        }
        Objects.requireNonNull(rng, "rng");
        this.numEmbeddings = numEmbeddings;
        this.dim = dim;
        this.paddingIdx = padded ? EmbeddingOp.normalizePadding(paddingIdx, numEmbeddings) : EmbeddingOp.NO_PADDING;
        Tensor w = Init.normal(Tensor.alignedZeros(numEmbeddings, dim), 0.0, 1.0, rng);
        if (padded) {
            int row = w.offset() + this.paddingIdx * dim;
            java.util.Arrays.fill(w.storage(), row, row + dim, 0f);
        }
        this.weight = registerParameter("weight", w);
    }

    /**
     * Looks up {@code ids} (row-major, shaped {@code shape}); the result is {@code shape + [dim]}.
     *
     * @param ids the token ids
     * @param shape the shape
     * @return the embeddings, shaped {@code shape + [dim]}
     */
    public Tensor forward(int[] ids, int... shape) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(shape, "shape");
        if (Shape.numel(shape) != ids.length) {
            throw new IllegalArgumentException(ids.length + " ids do not fill the shape " + Shape.str(shape)
                    + " (" + Shape.numel(shape) + " elements)");
        }
        return EmbeddingOp.forward(ids, shape.clone(), weight, paddingIdx);
    }

    /**
     * The table {@code (numEmbeddings, dim)}.
     *
     * @return the table {@code (numEmbeddings, dim)}
     */
    public Tensor weight() {
        return weight;
    }

    /**
     * Number of rows.
     *
     * @return number of rows
     */
    public int numEmbeddings() {
        return numEmbeddings;
    }

    /**
     * Size of each vector.
     *
     * @return size of each vector
     */
    public int dim() {
        return dim;
    }

    /**
     * The padding row (in {@code [0, numEmbeddings)}), or −1 when there is none.
     *
     * @return the padding row (in {@code [0, numEmbeddings)}), or −1 when there is none
     */
    public int paddingIdx() {
        return paddingIdx;
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + dim + (paddingIdx >= 0 ? ", paddingIdx=" + paddingIdx : "");
    }
}
