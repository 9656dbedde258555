package dev.visor.attention;

import dev.visor.tensor.Tensor;

/**
 * A {@code (batch, heads, seq, dim)} view over a flat float array: element {@code (b, h, l, c)}
 * lives at {@code offset + b·batchStride + h·headStride + l·seqStride + c·dimStride}.
 *
 * <p>The kernels read queries, keys and values and write outputs and gradients through views, so a
 * projection laid out as {@code (batch, seq, heads, headDim)} is used in place without a transpose
 * copy.
 *
 * <pre>{@code
 * float[] q = new float[2 * 8 * 128 * 64];
 * HeadsView view = HeadsView.contiguous(q, 2, 8, 128, 64);     // (batch, heads, seq, headDim)
 * HeadsView fromTensor = HeadsView.of(tensor);                  // any rank-4 tensor view
 * }</pre>
 *
 * @param data        the backing array
 * @param offset      index of element (0, 0, 0, 0)
 * @param batch       sequences
 * @param heads       heads
 * @param seq         positions
 * @param dim         features per head
 * @param batchStride distance between sequences, in elements
 * @param headStride  distance between heads
 * @param seqStride   distance between positions
 * @param dimStride   distance between features
 */
public record HeadsView(float[] data, int offset, int batch, int heads, int seq, int dim,
                        int batchStride, int headStride, int seqStride, int dimStride) {

    /**
     * Checks that every element of the view lies inside {@code data}.
     *
     * @param data the values in row-major order
     * @param offset the offset
     * @param batch the batch size
     * @param heads the number of (query) heads
     * @param seq the sequence length
     * @param dim the dimension (negative counts from the end)
     * @param batchStride the stride between batch entries
     * @param headStride the stride between heads
     * @param seqStride the stride between positions
     * @param dimStride the stride between features
     */
    public HeadsView {
        if (data == null) {
            throw new IllegalArgumentException("view data must not be null");
        }
        if (batch < 0 || heads < 0 || seq < 0 || dim < 0) {
            throw new IllegalArgumentException("view sizes must be non-negative but got (batch, heads, seq, dim) = ("
                    + batch + ", " + heads + ", " + seq + ", " + dim + ")");
        }
        if ((long) batch * heads * seq * dim > 0) {
            long lo = offset;
            long hi = offset;
            long[] extents = {
                (long) (batch - 1) * batchStride, (long) (heads - 1) * headStride,
                (long) (seq - 1) * seqStride, (long) (dim - 1) * dimStride};
            for (long e : extents) {
                lo += Math.min(0, e);
                hi += Math.max(0, e);
            }
            if (lo < 0 || hi >= data.length) {
                throw new IllegalArgumentException("view (batch, heads, seq, dim) = (" + batch + ", " + heads + ", " + seq
                        + ", " + dim + ") with offset " + offset + " and strides (" + batchStride + ", " + headStride
                        + ", " + seqStride + ", " + dimStride + ") reaches elements [" + lo + ", " + hi
                        + "] outside an array of " + data.length);
            }
        }
    }

    /**
     * A row-major {@code (batch, heads, seq, dim)} view of {@code data} starting at 0.
     *
     * @param data the values in row-major order
     * @param batch the batch size
     * @param heads the number of (query) heads
     * @param seq the sequence length
     * @param dim the dimension (negative counts from the end)
     * @return a row-major {@code (batch, heads, seq, dim)} view of {@code data} starting at 0
     */
    public static HeadsView contiguous(float[] data, int batch, int heads, int seq, int dim) {
        return new HeadsView(data, 0, batch, heads, seq, dim, heads * seq * dim, seq * dim, dim, 1);
    }

    /**
     * A new zero-filled row-major view.
     *
     * @param batch the batch size
     * @param heads the number of (query) heads
     * @param seq the sequence length
     * @param dim the dimension (negative counts from the end)
     * @return a new zero-filled row-major view
     */
    public static HeadsView zeros(int batch, int heads, int seq, int dim) {
        return contiguous(new float[Math.multiplyExact(Math.multiplyExact(batch, heads), Math.multiplyExact(seq, dim))],
                batch, heads, seq, dim);
    }

    /**
     * A view of a rank-4 tensor's storage (no copy; gradients are not tracked through it).
     *
     * @param t the tensor
     * @return a view of a rank-4 tensor's storage (no copy; gradients are not tracked through it)
     */
    public static HeadsView of(Tensor t) {
        if (t.dim() != 4) {
            throw new IllegalArgumentException("attention needs (batch, heads, seq, headDim) tensors but got rank "
                    + t.dim() + " shape " + java.util.Arrays.toString(t.shape()));
        }
        int[] s = t.shape();
        int[] st = t.strides();
        return new HeadsView(t.storage(), t.offset(), s[0], s[1], s[2], s[3], st[0], st[1], st[2], st[3]);
    }

    /**
     * The array index of element {@code (b, h, l, c)}.
     *
     * @param b the batch entry
     * @param h the head
     * @param l the position
     * @param c the feature
     * @return the array index of element {@code (b, h, l, c)}
     */
    public int index(int b, int h, int l, int c) {
        return offset + b * batchStride + h * headStride + l * seqStride + c * dimStride;
    }

    /**
     * The element {@code (b, h, l, c)}.
     *
     * @param b the batch entry
     * @param h the head
     * @param l the position
     * @param c the feature
     * @return the element {@code (b, h, l, c)}
     */
    public float get(int b, int h, int l, int c) {
        return data[index(b, h, l, c)];
    }

    /**
     * The elements in row-major {@code (batch, heads, seq, dim)} order, as a new array.
     *
     * @return the elements in row-major {@code (batch, heads, seq, dim)} order, as a new array
     */
    public float[] toArray() {
        float[] out = new float[batch * heads * seq * dim];
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int l = 0; l < seq; l++) {
                    int base = index(b, h, l, 0);
                    for (int c = 0; c < dim; c++) {
                        out[i++] = data[base + c * dimStride];
                    }
                }
            }
        }
        return out;
    }

    /** {@code "(batch, heads, seq, dim)"} for error messages. */
    String shapeString() {
        return "(" + batch + ", " + heads + ", " + seq + ", " + dim + ")";
    }
}
