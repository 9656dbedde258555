package dev.visor.tensor;

import dev.visor.tensor.kernel.VecMath;

import dev.visor.tensor.kernel.Parallel;
import java.util.Arrays;

/**
 * Reductions over one or several dimensions and their gradients: sum, mean, max/min (with the
 * arg-position), argmax/argmin, variance, and {@link #sumTo}, which folds a broadcast gradient back
 * to an input's shape.
 *
 * <p>Every reduction sees its input as a row-major block {@code (outer, reduced, inner)}: when the
 * reduced dimensions are adjacent (ignoring size-1 dimensions) a contiguous input is used in place —
 * {@code inner == 1} is a row sum (four double accumulators), {@code inner > 1} accumulates whole
 * rows at once, which vectorises; otherwise the input is permuted so the reduced dimensions come
 * last and copied once. Sums accumulate in double.
 *
 * <pre>{@code
 * Tensor colMeans = x.mean(new int[] {0}, false);   // (n, d) -> (d)
 * Tensor rowMax = x.max(-1, true);                   // (n, d) -> (n, 1)
 * }</pre>
 */
final class ReduceOps {
    private static final int GRAIN = ElementwiseOps.GRAIN;
    private static final int COLUMN_BLOCK = 1024;

    private ReduceOps() {}

    /**
     * x's values as {@code (outer, reduced, inner)} in {@code data[off...]}; the work tensor is x
     * permuted by {@code perm} ({@code null} = not permuted).
     */
    private record Plan(float[] data, int off, int outer, int reduced, int inner, int[] workShape, int[] perm,
                        int[] keepShape, int[] outShape) {}

    // ------------------------------------------------------------------ planning

    /** Normalises {@code dims} against x's rank; rejects an empty list, out-of-range and repeated dimensions. */
    static boolean[] reducedMask(String op, Tensor x, int[] dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException(op + ": needs at least one dimension to reduce; use " + op
                    + "() for a reduction over all elements");
        }
        boolean[] mask = new boolean[x.shape.length];
        for (int dim : dims) {
            int d;
            try {
                d = Shape.dim(dim, x.shape.length);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + " over " + Arrays.toString(dims) + " of " + Shape.str(x.shape)
                        + ": " + e.getMessage(), e);
            }
            if (mask[d]) {
                throw new IllegalArgumentException(op + ": dimension " + d + " appears twice in " + Arrays.toString(dims));
            }
            mask[d] = true;
        }
        return mask;
    }

    static boolean[] allDims(Tensor x) {
        boolean[] mask = new boolean[x.shape.length];
        Arrays.fill(mask, true);
        return mask;
    }

    private static Plan plan(Tensor x, boolean[] mask, boolean keepDim) {
        int rank = x.shape.length;
        int[] keepShape = x.shape.clone();
        int outRank = 0;
        for (int d = 0; d < rank; d++) {
            if (mask[d]) {
                keepShape[d] = 1;
            } else {
                outRank++;
            }
        }
        int[] outShape = keepShape;
        if (!keepDim) {
            outShape = new int[outRank];
            for (int d = 0, j = 0; d < rank; d++) {
                if (!mask[d]) {
                    outShape[j++] = x.shape[d];
                }
            }
        }
        // are the reduced dimensions of size > 1 one adjacent run among the dimensions of size > 1?
        int first = -1;
        int last = -1;
        boolean adjacent = true;
        for (int d = 0; d < rank; d++) {
            if (x.shape[d] == 1) {
                continue;
            }
            if (mask[d]) {
                if (first < 0) {
                    first = d;
                } else if (last != d - 1 && hasKeptNonUnitBetween(x.shape, mask, last, d)) {
                    adjacent = false;
                }
                last = d;
            }
        }
        int numel = x.numel();
        if (first < 0) { // nothing of size > 1 is reduced
            return new Plan(values(x), offset(x), numel, 1, 1, x.shape, null, keepShape, outShape);
        }
        if (adjacent) {
            int outer = Shape.numel(Arrays.copyOfRange(x.shape, 0, first));
            int reduced = Shape.numel(Arrays.copyOfRange(x.shape, first, last + 1));
            int inner = Shape.numel(Arrays.copyOfRange(x.shape, last + 1, rank));
            return new Plan(values(x), offset(x), outer, reduced, inner, x.shape, null, keepShape, outShape);
        }
        // permute (kept..., reduced...) and copy once
        int[] perm = new int[rank];
        int j = 0;
        int outer = 1;
        for (int d = 0; d < rank; d++) {
            if (!mask[d]) {
                perm[j++] = d;
                outer *= x.shape[d];
            }
        }
        for (int d = 0; d < rank; d++) {
            if (mask[d]) {
                perm[j++] = d;
            }
        }
        int[] workShape = new int[rank];
        int[] workStrides = new int[rank];
        for (int d = 0; d < rank; d++) {
            workShape[d] = x.shape[perm[d]];
            workStrides[d] = x.strides[perm[d]];
        }
        float[] data = new Tensor(x.data, workShape, workStrides, x.offset, null).toArray();
        return new Plan(data, 0, outer, numel / Math.max(outer, 1), 1, workShape, perm, keepShape, outShape);
    }

    private static boolean hasKeptNonUnitBetween(int[] shape, boolean[] mask, int from, int to) {
        for (int d = from + 1; d < to; d++) {
            if (!mask[d] && shape[d] != 1) {
                return true;
            }
        }
        return false;
    }

    private static float[] values(Tensor x) {
        return x.isContiguous() ? x.data : x.toArray();
    }

    private static int offset(Tensor x) {
        return x.isContiguous() ? x.offset : 0;
    }

    // ------------------------------------------------------------------ sum and mean

    static Tensor sum(Tensor x, boolean[] mask, boolean keepDim) {
        return sumScaled("sum", x, mask, keepDim, false);
    }

    static Tensor mean(Tensor x, boolean[] mask, boolean keepDim) {
        return sumScaled("mean", x, mask, keepDim, true);
    }

    private static Tensor sumScaled(String name, Tensor x, boolean[] mask, boolean keepDim, boolean mean) {
        Plan p = plan(x, mask, keepDim);
        double scale = mean ? 1.0 / p.reduced : 1.0;
        float[] out = sumKernel(p, scale);
        int[] keep = p.keepShape;
        int[] shape = x.shape;
        return Tensor.fromOp(name, out, p.outShape, g -> {
            Tensor spread = g.reshape(keep).expand(shape);
            return new Tensor[] {mean ? spread.mul((float) scale) : spread};
        }, x);
    }

    /** Σ over the reduced block, times {@code scale}, accumulated in double. */
    private static float[] sumKernel(Plan p, double scale) {
        int outer = p.outer;
        int reduced = p.reduced;
        int inner = p.inner;
        float[] data = p.data;
        int off = p.off;
        float[] out = StepBuffers.floats(outer * inner);   // every element written
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, GRAIN / Math.max(1, reduced)), (from, to) -> {
                for (int a = from; a < to; a++) {
                    out[a] = (float) (VecMath.sumInDouble(data, off + a * reduced, reduced) * scale);
                }
            });
            return out;
        }
        int blocks = (inner + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        long work = (long) reduced * Math.min(inner, COLUMN_BLOCK);
        Parallel.forRange(outer * blocks, (int) Math.max(1, GRAIN / Math.max(1, work)), (from, to) -> {
            double[] acc = new double[Math.min(inner, COLUMN_BLOCK)];
            for (int t = from; t < to; t++) {
                int a = t / blocks;
                int c0 = (t % blocks) * COLUMN_BLOCK;
                int w = Math.min(COLUMN_BLOCK, inner - c0);
                Arrays.fill(acc, 0, w, 0.0);
                for (int r = 0; r < reduced; r++) {
                    int base = off + (a * reduced + r) * inner + c0;
                    for (int c = 0; c < w; c++) {
                        acc[c] += data[base + c];
                    }
                }
                int o = a * inner + c0;
                for (int c = 0; c < w; c++) {
                    out[o + c] = (float) (acc[c] * scale);
                }
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ max, min, argmax, argmin

    /**
     * Maximum (or minimum) over the reduced dimensions. NaN counts as the extreme (it propagates);
     * among equal extremes the first in row-major order wins, and it alone receives the gradient.
     */
    static Tensor extreme(String name, boolean max, Tensor x, boolean[] mask, boolean keepDim) {
        checkNonEmpty(name, x, mask);
        Plan p = plan(x, mask, keepDim);
        float[] values = new float[p.outer * p.inner];
        int[] at = new int[values.length];
        extremeKernel(max, p, values, at);
        int[] shape = x.shape;
        return Tensor.fromOp(name, values, p.outShape, g -> {
            float[] gv = g.toArray();
            float[] dx = StepBuffers.zeros(Shape.numel(shape));   // only the extremes' places written
            int inner = p.inner;
            for (int a = 0; a < p.outer; a++) {
                for (int c = 0; c < inner; c++) {
                    int o = a * inner + c;
                    dx[(a * p.reduced + at[o]) * inner + c] = gv[o];
                }
            }
            return new Tensor[] {unpermute(new Tensor(dx, p.workShape), p.perm)};
        }, x);
    }

    /** Index of the maximum (or minimum) along {@code mask}'s dimensions, as float; ties pick the first. */
    static Tensor argExtreme(String name, boolean max, Tensor x, boolean[] mask, boolean keepDim) {
        checkNonEmpty(name, x, mask);
        Plan p = plan(x, mask, keepDim);
        float[] values = new float[p.outer * p.inner];
        int[] at = new int[values.length];
        extremeKernel(max, p, values, at);
        for (int i = 0; i < at.length; i++) {
            values[i] = at[i];
        }
        return new Tensor(values, p.outShape.clone());
    }

    private static void checkNonEmpty(String name, Tensor x, boolean[] mask) {
        for (int d = 0; d < mask.length; d++) {
            if (mask[d] && x.shape[d] == 0) {
                throw new IllegalArgumentException(name + ": cannot reduce over dimension " + d + " of size 0 in "
                        + Shape.str(x.shape) + " (no elements to take the " + name + " of)");
            }
        }
        if (x.numel() == 0 && mask.length > 0 && allTrue(mask)) {
            throw new IllegalArgumentException(name + ": cannot reduce the empty tensor " + Shape.str(x.shape));
        }
    }

    private static boolean allTrue(boolean[] mask) {
        for (boolean b : mask) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    private static void extremeKernel(boolean max, Plan p, float[] values, int[] at) {
        int reduced = p.reduced;
        int inner = p.inner;
        float[] data = p.data;
        int off = p.off;
        Parallel.forRange(p.outer, Math.max(1, GRAIN / Math.max(1, reduced * inner)), (from, to) -> {
            for (int a = from; a < to; a++) {
                if (inner == 1) {
                    rowExtreme(max, data, off + a * reduced, reduced, values, at, a);
                    continue;
                }
                int o = a * inner;
                int base = off + a * reduced * inner;
                System.arraycopy(data, base, values, o, inner);
                Arrays.fill(at, o, o + inner, 0);
                for (int r = 1; r < reduced; r++) {
                    int row = base + r * inner;
                    for (int c = 0; c < inner; c++) {
                        float v = data[row + c];
                        float best = values[o + c];
                        boolean better = max ? v > best : v < best;
                        if (better || (v != v && best == best)) {
                            values[o + c] = v;
                            at[o + c] = r;
                        }
                    }
                }
            }
        });
    }

    /** The first maximum (or minimum, NaN first) of {@code x[from..from+n)} into {@code values[o]}, {@code at[o]}. */
    private static void rowExtreme(boolean max, float[] x, int from, int n, float[] values, int[] at, int o) {
        float best = x[from];
        int arg = 0;
        if (best == best) {
            for (int r = 1; r < n; r++) {
                float v = x[from + r];
                if (max ? v > best : v < best) {
                    best = v;
                    arg = r;
                } else if (v != v) {
                    best = v;
                    arg = r;
                    break;
                }
            }
        }
        values[o] = best;
        at[o] = arg;
    }

    private static Tensor unpermute(Tensor work, int[] perm) {
        if (perm == null) {
            return work;
        }
        int[] inverse = new int[perm.length];
        for (int d = 0; d < perm.length; d++) {
            inverse[perm[d]] = d;
        }
        return work.permute(inverse);
    }

    // ------------------------------------------------------------------ variance

    /**
     * Variance {@code Σ(x − mean)² / (N − ddof)} with {@code ddof = 1} when unbiased (Bessel's
     * correction, PyTorch's default) or 0; N − ddof = 0 gives NaN or ∞, as in PyTorch.
     */
    static Tensor var(Tensor x, boolean[] mask, boolean unbiased, boolean keepDim) {
        Tensor centred;
        float[] values;
        int[] outShape;
        double denominator;
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor m = mean(x, mask, true);
            centred = x.sub(m);
            Plan p = plan(centred.mul(centred), mask, keepDim);
            denominator = (double) p.reduced - (unbiased ? 1 : 0);
            values = sumKernel(p, 1.0 / denominator);
            outShape = p.outShape;
        }
        int[] keep = keepShape(x.shape, mask);
        float factor = (float) (2.0 / denominator);
        return Tensor.fromOp("var", values, outShape, g -> new Tensor[] {
                g.reshape(keep).mul(centred).mul(factor)}, x);
    }

    private static int[] keepShape(int[] shape, boolean[] mask) {
        int[] keep = shape.clone();
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                keep[d] = 1;
            }
        }
        return keep;
    }

    // ------------------------------------------------------------------ sumTo

    /**
     * Sums {@code x} down to {@code shape}, the inverse of broadcasting {@code shape} up to x's shape:
     * leading extra dimensions are summed away, and dimensions where {@code shape} has 1 and x does
     * not are summed with keepDim. Returns x itself when the shapes are equal.
     */
    static Tensor sumTo(Tensor x, int[] shape) {
        int lead = x.shape.length - shape.length;
        boolean ok = lead >= 0;
        boolean[] mask = new boolean[x.shape.length];
        boolean any = false;
        for (int d = 0; d < x.shape.length && ok; d++) {
            if (d < lead) {
                mask[d] = true;
            } else {
                int want = shape[d - lead];
                if (want == 1 && x.shape[d] != 1) {
                    mask[d] = true;
                } else if (want != x.shape[d]) {
                    ok = false;
                }
            }
            any |= mask[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("sumTo: cannot sum " + Shape.str(x.shape) + " down to " + Shape.str(shape)
                    + " (expected a shape that broadcasts to " + Shape.str(x.shape) + ")");
        }
        if (!any) {
            return x;
        }
        return sum(x, mask, true).reshape(shape);
    }
}
