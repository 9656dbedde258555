package dev.visor.tensor;

import dev.visor.tensor.kernel.Parallel;

/**
 * A row-major walk over a (broadcast) output shape for several strided operands, after merging
 * every run of dimensions that all operands traverse with one stride ("coalescing").
 *
 * <p>The innermost merged dimension is a row of {@link #rowLen} elements, each operand advancing by
 * {@link #innerStride} within it; {@link #run} hands out the rows in segments, split across cores,
 * with each operand's storage offset. A contiguous {@code (batch, seq, d) + (d)} becomes
 * {@code batch·seq} rows of {@code d} with unit strides; a transposed operand is walked in small
 * tiles so its cache lines are reused.
 *
 * <pre>{@code
 * StridedLoop loop = StridedLoop.of(outShape, a, b);
 * loop.run(2, (out, width, offsets, buffers) -> { ... });
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

    /** Receives one run of {@code width} consecutive output elements. */
    @FunctionalInterface
    interface Segment {
        /**
         * @param out     row-major index of the run's first element in the output
         * @param width   number of elements
         * @param offsets per operand: storage offset of its first element (then {@link #innerStride} apart)
         * @param scratch per-thread buffers of at least {@code width} floats, as many as asked for
         */
        void run(int out, int width, int[] offsets, float[][] scratch);
    }

    /** Elements per parallel chunk: large enough that a thread hand-off (µs) is noise. */
    static final int GRAIN = 1 << 15;
    /** Elements per segment along a row: three buffers of this size stay in L1. */
    static final int SEGMENT = 2048;
    /** Rows per tile when an operand is strided within rows. */
    static final int ROW_BLOCK = 16;
    /**
     * Columns per tile when an operand is strided within rows. Small on purpose: a transposed
     * operand with a power-of-two row length puts every column of a tile in the same L1 set, so
     * wider tiles thrash (measured: 16 × 16 ≈ 1–2 ns per element, 16 × 64 ≈ 2–5, untiled ≈ 7–11).
     */
    static final int COL_BLOCK = 16;

    /**
     * Visits the whole output as segments, split across cores, giving each thread {@code buffers}
     * scratch arrays. When every operand is unit-stride or broadcast within rows, rows are cut into
     * segments of at most {@link #SEGMENT}. Otherwise (a transposed operand, say) rows are visited
     * in tiles of {@link #ROW_BLOCK} × {@link #COL_BLOCK}, so the cache lines a strided operand loads
     * for one row are reused by its neighbours instead of being evicted.
     */
    void run(int buffers, Segment body) {
        if (rows == 0 || rowLen == 0) {
            return;
        }
        int count = base.length;
        boolean strided = false;
        for (int st : innerStride) {
            strided |= st != 0 && st != 1;
        }
        if (strided && rowLen > COL_BLOCK) {
            int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
            Parallel.forRange(blocks, Math.max(1, GRAIN / (ROW_BLOCK * rowLen)), (from, to) -> {
                float[][] scratch = new float[buffers][COL_BLOCK];
                int[][] rowStart = new int[ROW_BLOCK][count];
                int[] p = new int[count];
                for (int blk = from; blk < to; blk++) {
                    int r0 = blk * ROW_BLOCK;
                    int r1 = Math.min(r0 + ROW_BLOCK, rows);
                    for (int r = r0; r < r1; r++) {
                        rowOffsets(r, rowStart[r - r0]);
                    }
                    for (int c0 = 0; c0 < rowLen; c0 += COL_BLOCK) {
                        int w = Math.min(COL_BLOCK, rowLen - c0);
                        for (int r = r0; r < r1; r++) {
                            for (int k = 0; k < count; k++) {
                                p[k] = rowStart[r - r0][k] + c0 * innerStride[k];
                            }
                            body.run(r * rowLen + c0, w, p, scratch);
                        }
                    }
                }
            });
            return;
        }
        int segment = Math.min(rowLen, SEGMENT);
        int perRow = (rowLen + segment - 1) / segment;
        long units = (long) rows * perRow;
        if (units > Integer.MAX_VALUE) {
            throw new IllegalStateException("too many segments: " + units);
        }
        Parallel.forRange((int) units, Math.max(1, GRAIN / segment), (from, to) -> {
            float[][] scratch = new float[buffers][];
            for (int i = 0; i < buffers; i++) {
                scratch[i] = StepBuffers.floats(segment);   // a decoding step's (one row: on the caller) are kept
            }
            int[] rowStart = new int[count];
            int[] p = new int[count];
            int row = -1;
            for (int u = from; u < to; u++) {
                int r = u / perRow;
                int c0 = (u - r * perRow) * segment;
                if (r != row) {
                    rowOffsets(r, rowStart);
                    row = r;
                }
                for (int k = 0; k < count; k++) {
                    p[k] = rowStart[k] + c0 * innerStride[k];
                }
                body.run(r * rowLen + c0, Math.min(segment, rowLen - c0), p, scratch);
            }
        });
    }

    /** Copies {@code src}'s elements into {@code dst} in row-major order (tiled for transposed layouts). */
    static void copy(Tensor src, float[] dst) {
        StridedLoop loop = of(src.shape, src);
        int step = loop.innerStride[0];
        float[] data = src.data;
        loop.run(0, (o, w, p, scratch) -> {
            if (step == 1) {
                System.arraycopy(data, p[0], dst, o, w);
            } else {
                gather(data, p[0], step, dst, o, w);
            }
        });
    }

    /**
     * Writes {@code src}'s elements (row-major) to the positions of {@code dst} viewed with
     * {@code src}'s shape and the given {@code strides} and {@code offset}.
     */
    static void scatter(Tensor src, float[] dst, int offset, int[] strides) {
        if (Shape.numel(src.shape) == 0) {
            return;
        }
        boolean direct = src.isContiguous();
        float[] values = direct ? src.data : src.toArray();
        int from = direct ? src.offset : 0;
        StridedLoop loop = of(src.shape, new Tensor(dst, src.shape, strides, offset, null));
        int step = loop.innerStride[0];
        loop.run(0, (o, w, p, scratch) -> {
            if (step == 1) {
                System.arraycopy(values, from + o, dst, p[0], w);
            } else {
                for (int i = 0, q = p[0]; i < w; i++, q += step) {
                    dst[q] = values[from + o + i];
                }
            }
        });
    }

    /**
     * Puts {@code n} elements of operand storage {@code src} from {@code from}, {@code stride}
     * apart, at {@code buf[0..n)} and returns {@code buf}: the unit-stride form kernels need.
     */
    static float[] stage(float[] src, int from, int stride, float[] buf, int n) {
        if (stride == 1) {
            System.arraycopy(src, from, buf, 0, n);
        } else {
            gather(src, from, stride, buf, 0, n);
        }
        return buf;
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
