package dev.visor.tensor;

/**
 * A row-major walk over a (broadcast) output shape for several strided operands, after merging
 * every run of dimensions that all operands traverse with one stride ("coalescing").
 *
 * <p>Element-wise kernels then work row by row: the innermost merged dimension is a row of
 * {@link #rowLen} elements, each operand advancing by {@link #innerStride} within it, and
 * {@link #rowOffsets} gives each operand's first element of row {@code r}. A contiguous
 * {@code (batch, seq, d) + (d)} becomes {@code batch·seq} rows of {@code d} with unit strides, so the
 * inner loop is the same flat loop the contiguous fast path runs.
 *
 * <pre>{@code
 * StridedLoop loop = StridedLoop.of(outShape, a, b);
 * int[] p = new int[2];
 * for (int r = 0; r < loop.rows; r++) { loop.rowOffsets(r, p); ... }
 * }</pre>
 */
final class StridedLoop {
    /** Number of rows. */
    final int rows;
    /** Elements per row. */
    final int rowLen;
    /** Per operand: its stride within a row (0 when broadcast along the row). */
    final int[] innerStride;
    private final int[] outerSizes;     // merged outer dimensions, outermost first
    private final int[][] outerStrides; // [operand][outer dim]
    private final int[] base;           // per operand: storage offset of element [0, ..., 0]

    private StridedLoop(int rows, int rowLen, int[] innerStride, int[] outerSizes, int[][] outerStrides, int[] base) {
        this.rows = rows;
        this.rowLen = rowLen;
        this.innerStride = innerStride;
        this.outerSizes = outerSizes;
        this.outerStrides = outerStrides;
        this.base = base;
    }

    /** Plans a walk over {@code shape}; each operand must broadcast to it. */
    static StridedLoop of(int[] shape, Tensor... operands) {
        int rank = shape.length;
        int count = operands.length;
        int[][] strides = new int[count][];
        int[] base = new int[count];
        for (int k = 0; k < count; k++) {
            strides[k] = broadcastStrides(operands[k], shape);
            base[k] = operands[k].offset;
        }
        // keep dimensions of size > 1, then merge neighbours from the innermost outwards
        int[] sizes = new int[rank];
        int[][] st = new int[count][rank];
        int kept = 0;
        for (int d = rank - 1; d >= 0; d--) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = kept > 0;
            for (int k = 0; k < count && merge; k++) {
                merge = strides[k][d] == st[k][kept - 1] * sizes[kept - 1];
            }
            if (merge) {
                sizes[kept - 1] *= shape[d];
            } else {
                sizes[kept] = shape[d];
                for (int k = 0; k < count; k++) {
                    st[k][kept] = strides[k][d];
                }
                kept++;
            }
        }
        if (kept == 0) { // a single element
            return new StridedLoop(Shape.numel(shape), 1, new int[count], new int[0], new int[count][0], base);
        }
        // sizes[0] is the innermost group; reverse the rest into outermost-first order
        int outer = kept - 1;
        int[] outerSizes = new int[outer];
        int[][] outerStrides = new int[count][outer];
        int[] inner = new int[count];
        long rows = 1;
        for (int j = 0; j < outer; j++) {
            outerSizes[j] = sizes[kept - 1 - j];
            rows *= outerSizes[j];
        }
        for (int k = 0; k < count; k++) {
            inner[k] = st[k][0];
            for (int j = 0; j < outer; j++) {
                outerStrides[k][j] = st[k][kept - 1 - j];
            }
        }
        return new StridedLoop((int) rows, sizes[0], inner, outerSizes, outerStrides, base);
    }

    /** Writes each operand's storage offset of the first element of row {@code row} into {@code dst}. */
    void rowOffsets(int row, int[] dst) {
        int count = base.length;
        System.arraycopy(base, 0, dst, 0, count);
        int rest = row;
        for (int j = outerSizes.length - 1; j >= 0 && rest > 0; j--) {
            int size = outerSizes[j];
            int i = rest % size;
            rest /= size;
            for (int k = 0; k < count; k++) {
                dst[k] += i * outerStrides[k][j];
            }
        }
    }

    /** Strides of {@code t} viewed as broadcast to {@code shape} (0 along broadcast dimensions). */
    static int[] broadcastStrides(Tensor t, int[] shape) {
        int rank = shape.length;
        int lead = rank - t.shape.length;
        int[] out = new int[rank];
        for (int d = lead; d < rank; d++) {
            out[d] = t.shape[d - lead] == 1 ? 0 : t.strides[d - lead];
        }
        return out;
    }

    /** Copies {@code n} elements starting at {@code src[from]} with stride {@code stride} into {@code dst[0..n)}. */
    static void gather(float[] src, int from, int stride, float[] dst, int n) {
        if (stride == 0) {
            java.util.Arrays.fill(dst, 0, n, src[from]);
            return;
        }
        for (int i = 0, p = from; i < n; i++, p += stride) {
            dst[i] = src[p];
        }
    }
}
