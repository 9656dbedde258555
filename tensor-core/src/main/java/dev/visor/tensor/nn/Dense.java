package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;

/** Row-major access to a tensor's values for the fused kernels of this package. */
final class Dense {
    private Dense() {}

    /**
     * The tensor's values in row-major order: its own storage when that already is exactly the
     * row-major layout (no copy; callers must not write to it), otherwise a fresh copy.
     */
    static float[] of(Tensor t) {
        float[] s = t.storage();
        if (t.offset() == 0 && t.isContiguous() && s.length == t.numel()) {
            return s;
        }
        return t.toArray();
    }

    /** {@code acc} rounded to float element by element (sums made in double, returned as values). */
    static float[] rounded(double[] acc) {
        return rounded(acc, new float[acc.length]);
    }

    /** {@link #rounded(double[])} into {@code out} (its first {@code acc.length} elements), returned. */
    static float[] rounded(double[] acc, float[] out) {
        for (int j = 0; j < acc.length; j++) {
            out[j] = (float) acc[j];
        }
        return out;
    }

    /** Product of {@code shape[from..to)}. */
    static int prod(int[] shape, int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) {
            n *= shape[i];
        }
        return n;
    }
}
