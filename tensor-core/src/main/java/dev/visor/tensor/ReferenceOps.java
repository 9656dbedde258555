package dev.visor.tensor;

import dev.visor.tensor.ElementwiseKernels.Binary;
import dev.visor.tensor.ElementwiseKernels.Unary;

/**
 * Plain, obviously correct versions of the element-wise and reduction ops: one multi-index at a
 * time, every element read through {@link Tensor#get}. The oracle the fast paths of
 * {@link ElementwiseOps} and {@link ReduceOps} are tested against; never used by the ops themselves.
 */
final class ReferenceOps {
    private ReferenceOps() {}

    /** {@code op(a, b)} broadcast, row-major. */
    static float[] binary(Binary op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape, b.shape);
        float[] out = new float[Shape.numel(shape)];
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            unravel(i, shape, idx);
            out[i] = op.apply(a.get(broadcastIndex(idx, a.shape)), b.get(broadcastIndex(idx, b.shape)));
        }
        return out;
    }

    /** {@code op(x; s)}, row-major. */
    static float[] unary(Unary op, Tensor x, float s) {
        float[] out = new float[x.numel()];
        int[] idx = new int[x.shape.length];
        for (int i = 0; i < out.length; i++) {
            unravel(i, x.shape, idx);
            out[i] = op.apply(x.get(idx), s);
        }
        return out;
    }

    /** {@code cond ≠ 0 ? a : b} broadcast, row-major. */
    static float[] where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(Shape.broadcast(cond.shape, a.shape), b.shape);
        float[] out = new float[Shape.numel(shape)];
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            unravel(i, shape, idx);
            out[i] = cond.get(broadcastIndex(idx, cond.shape)) != 0f
                    ? a.get(broadcastIndex(idx, a.shape))
                    : b.get(broadcastIndex(idx, b.shape));
        }
        return out;
    }

    /** Sum over the dimensions in {@code mask}, in double, as the kept dimensions' row-major array. */
    static float[] sum(Tensor x, boolean[] mask) {
        double[] acc = new double[Shape.numel(keptShape(x.shape, mask))];
        int[] idx = new int[x.shape.length];
        for (int i = 0; i < x.numel(); i++) {
            unravel(i, x.shape, idx);
            acc[keptIndex(idx, x.shape, mask)] += x.get(idx);
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }

    /**
     * Maximum (or minimum) over the dimensions in {@code mask} and, in {@code at}, the row-major
     * position within the reduced block of the first extreme; NaN counts as the extreme.
     */
    static float[] extreme(Tensor x, boolean[] mask, boolean max, int[] at) {
        int outN = Shape.numel(keptShape(x.shape, mask));
        float[] best = new float[outN];
        boolean[] seen = new boolean[outN];
        int[] count = new int[outN];
        int[] idx = new int[x.shape.length];
        for (int i = 0; i < x.numel(); i++) {
            unravel(i, x.shape, idx);
            int o = keptIndex(idx, x.shape, mask);
            float v = x.get(idx);
            boolean better = !seen[o] || (max ? v > best[o] : v < best[o]) || (Float.isNaN(v) && !Float.isNaN(best[o]));
            if (better) {
                best[o] = v;
                at[o] = count[o];
                seen[o] = true;
            }
            count[o]++;
        }
        return best;
    }

    /** The row-major multi-index of flat position {@code i} in {@code shape}. */
    static void unravel(int i, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
    }

    private static int[] broadcastIndex(int[] idx, int[] shape) {
        int lead = idx.length - shape.length;
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = shape[d] == 1 ? 0 : idx[d + lead];
        }
        return out;
    }

    private static int[] keptShape(int[] shape, boolean[] mask) {
        int n = 0;
        for (boolean m : mask) {
            n += m ? 0 : 1;
        }
        int[] out = new int[n];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (!mask[d]) {
                out[j++] = shape[d];
            }
        }
        return out;
    }

    private static int keptIndex(int[] idx, int[] shape, boolean[] mask) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!mask[d]) {
                o = o * shape[d] + idx[d];
            }
        }
        return o;
    }
}
