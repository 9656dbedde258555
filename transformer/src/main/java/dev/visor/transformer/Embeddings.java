package dev.visor.transformer;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Init;
import dev.visor.tensor.nn.Module;
import java.util.Arrays;
import java.util.Objects;

/**
 * Token embeddings scaled by {@code √d_model}, as in Vaswani et al. (2017), §3.4 ("In the embedding
 * layers, we multiply those weights by √d_model"): {@code weight (vocab, dModel)}, the row
 * {@code padId} kept at zero and given no gradient (as {@code nn.Embedding(padding_idx=...)}).
 *
 * <pre>{@code
 * Embeddings embed = new Embeddings(vocab, 512, PAD, rng);
 * Tensor x = embed.forward(ids, batch, seq);          // (batch, seq, 512)
 * }</pre>
 */
public final class Embeddings extends Module {
    private final int vocab;
    private final int dModel;
    private final int padId;
    private final float scale;
    private final Tensor weight;

    /**
     * A table of {@code vocab} vectors of width {@code dModel}, drawn from {@code N(0, 1)} (pad row zero).
     *
     * @param vocab the vocabulary size
     * @param dModel the model width {@code d_model}
     * @param padId the padding token id
     * @param rng the random source
     */
    public Embeddings(int vocab, int dModel, int padId, Rng rng) {
        if (vocab < 1 || dModel < 1) {
            throw new IllegalArgumentException("embeddings need vocab >= 1 and dModel >= 1 but got vocab=" + vocab
                    + ", dModel=" + dModel);
        }
        if (padId < 0 || padId >= vocab) {
            throw new IllegalArgumentException("pad id " + padId + " is outside the vocabulary [0, " + vocab + ")");
        }
        Objects.requireNonNull(rng, "rng");
        this.vocab = vocab;
        this.dModel = dModel;
        this.padId = padId;
        this.scale = (float) Math.sqrt(dModel);
        this.weight = registerParameter("weight", Init.normal(Tensor.alignedZeros(vocab, dModel), 0.0, 1.0, rng));
        zeroPadRow();
    }

    /** Sets the padding row to zero again (after re-initialising the weight). */
    public void zeroPadRow() {
        int row = weight.offset() + padId * dModel;   // the weight may start after an alignment lead
        Arrays.fill(weight.storage(), row, row + dModel, 0f);
    }

    /**
     * Looks up {@code ids} (row-major, shaped {@code shape}) and scales by {@code √dModel}.
     *
     * @param ids the token ids
     * @param shape the shape
     * @return {@code shape + [dModel]}
     * @throws IllegalArgumentException naming the first id outside the vocabulary
     */
    public Tensor forward(int[] ids, int... shape) {
        Objects.requireNonNull(ids, "ids");
        if (Shape.numel(shape) != ids.length) {
            throw new IllegalArgumentException(ids.length + " ids do not fill the shape " + Shape.str(shape));
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at index " + i + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
        }
        return Functional.embedding(ids, shape, weight, padId).mul(scale);
    }

    /**
     * The table {@code (vocab, dModel)}, e.g. to tie a generator to it.
     *
     * @return the table {@code (vocab, dModel)}
     */
    public Tensor weight() {
        return weight;
    }

    /**
     * The vocabulary size.
     *
     * @return the vocabulary size
     */
    public int vocab() {
        return vocab;
    }

    /**
     * The width.
     *
     * @return the width
     */
    public int dModel() {
        return dModel;
    }

    @Override
    protected String extraRepr() {
        return vocab + ", " + dModel + ", padId=" + padId + ", scale=√" + dModel;
    }
}
