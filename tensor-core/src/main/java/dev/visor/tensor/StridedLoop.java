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

    /** Receives one run of {@code width} elements of row {@code row} starting at column {@code col}. */
    @FunctionalInterface
    interface Segment {
        /** {@code offsets[k]}: storage offset of operand k's element at (row, col). */
        void run(int row, int col, int width, int[] offsets);
    }

    /** Rows per tile when an operand is strided within rows. */
    static final int ROW_BLOCK = 16;
    /**
     * Columns per tile when an operand is strided within rows. Small on purpose: a transposed
     * operand with a power-of-two row length puts every column of a tile in the same L1 set, so
     * wider tiles thrash (measured: 16 × 16 ≈ 1–2 ns per element, 16 × 64 ≈ 2–5, untiled ≈ 7–11).
     */
    static final int COL_BLOCK = 16;

    /**
     * Visits rows {@code [from, to)} as segments. When every operand is unit-stride or broadcast
     * within rows, each row is one segment. Otherwise (a transposed operand, say) rows are visited in
     * tiles of {@link #ROW_BLOCK} × {@link #COL_BLOCK}, so the cache lines a strided operand loads
     * for one row are reused by its neighbours instead of being evicted: a transposed read then
     * costs about what a sequential one does.
     */
    void forEachSegment(int from, int to, Segment body) {
        int count = base.length;
        boolean strided = false;
        for (int s : innerStride) {
            strided |= s != 0 && s != 1;
        }
        if (!strided || rowLen <= COL_BLOCK) {
            int[] p = new int[count];
            for (int r = from; r < to; r++) {
                rowOffsets(r, p);
                body.run(r, 0, rowLen, p);
            }
            return;
        }
        int[][] rowStart = new int[ROW_BLOCK][count];
        int[] p = new int[count];
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(r0 + ROW_BLOCK, to);
            for (int r = r0; r < r1; r++) {
                rowOffsets(r, rowStart[r - r0]);
            }
            for (int c0 = 0; c0 < rowLen; c0 += COL_BLOCK) {
                int w = Math.min(COL_BLOCK, rowLen - c0);
                for (int r = r0; r < r1; r++) {
                    for (int k = 0; k < count; k++) {
                        p[k] = rowStart[r - r0][k] + c0 * innerStride[k];
                    }
                    body.run(r, c0, w, p);
                }
            }
        }
    }

    /** Copies {@code src}'s elements into {@code dst} in row-major order (tiled for transposed layouts). */
    static void copy(Tensor src, float[] dst) {
        int n = Shape.numel(src.shape);
        if (n == 0) {
            return;
        }
        StridedLoop loop = of(src.shape, src);
        int len = loop.rowLen;
        int step = loop.innerStride[0];
        float[] data = src.data;
        dev.visor.tensor.kernel.Parallel.forRange(loop.rows, Math.max(1, (1 << 15) / len), (from, to) ->
                loop.forEachSegment(from, to, (r, c, w, p) -> {
                    int o = r * len + c;
                    if (step == 1) {
                        System.arraycopy(data, p[0], dst, o, w);
                    } else {
                        gather(data, p[0], step, dst, o, w);
                    }
                }));
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
        gather(src, from, stride, dst, 0, n);
    }

    /** Copies {@code n} strided elements from {@code src[from]} into {@code dst[to..to+n)}. */
    static void gather(float[] src, int from, int stride, float[] dst, int to, int n) {
        if (stride == 0) {
            java.util.Arrays.fill(dst, to, to + n, src[from]);
            return;
        }
        for (int i = 0, p = from; i < n; i++, p += stride) {
            dst[to + i] = src[p];
        }
    }
}
