package dev.visor.tensor.nn;

import dev.visor.tensor.Shape;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import java.util.Arrays;

/** Row gather from an embedding table; the backward pass scatter-adds into the rows that were read. */
final class EmbeddingOp {
    private EmbeddingOp() {}

    /** Marks "no padding row" for {@link #forward}. */
    static final int NO_PADDING = -1;

    /** @param pad the padding row in {@code [0, numEmbeddings)}, or {@link #NO_PADDING} */
    static Tensor forward(int[] indices, int[] indexShape, Tensor weight, int pad) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding weight must be (numEmbeddings, dim) but has shape "
                    + Shape.str(weight.shape()));
        }
        if (Shape.numel(indexShape) != indices.length) {
            throw new IllegalArgumentException("embedding got " + indices.length + " indices for index shape "
                    + Shape.str(indexShape) + " (expected " + Shape.numel(indexShape) + ")");
        }
        int rows = weight.size(0);
        int dim = weight.size(1);
        int[] idx = indices.clone();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= rows) {
                throw new IndexOutOfBoundsException("embedding index " + idx[i] + " at position " + i
                        + " is out of range for a table of " + rows + " rows (expected 0.." + (rows - 1) + ")");
            }
        }
        // a contiguous table (a weight with an alignment lead, a view) is read in place, not copied first
        boolean inPlace = weight.isContiguous();
        float[] w = inPlace ? weight.storage() : Dense.of(weight);
        int base = inPlace ? weight.offset() : 0;
        float[] out = StepBuffers.floats(idx.length * dim);   // every row copied
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(w, base + idx[i] * dim, out, i * dim, dim);
        }
        int[] outShape = Arrays.copyOf(indexShape, indexShape.length + 1);
        outShape[indexShape.length] = dim;
        return Tensor.fromOp("embedding", out, outShape, g -> {
            float[] gv = Dense.of(g);
            float[] dw = StepBuffers.zeros(rows * dim);   // accumulated into
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] == pad) {
                    continue;
                }
                int src = i * dim;
                int dst = idx[i] * dim;
                for (int j = 0; j < dim; j++) {
                    dw[dst + j] += gv[src + j];
                }
            }
            return new Tensor[] {Tensor.handedOver(dw, rows, dim)};
        }, weight);
    }

    /** PyTorch's rule: a negative padding index counts from the end of the table. */
    static int normalizePadding(int paddingIdx, int rows) {
        if (paddingIdx < -rows || paddingIdx >= rows) {
            throw new IllegalArgumentException("paddingIdx " + paddingIdx + " is out of range for a table of " + rows
                    + " rows (expected " + (-rows) + ".." + (rows - 1) + ")");
        }
        return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    }
}
