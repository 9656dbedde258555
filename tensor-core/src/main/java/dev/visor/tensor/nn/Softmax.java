package dev.visor.tensor.nn;

import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import java.util.Arrays;

/**
 * Fused softmax and log-softmax along one dimension, forward and backward. The tensor is seen as
 * {@code (outer, n, inner)} around the reduced dimension; rows with {@code inner == 1} are
 * contiguous, otherwise each outer block is processed as {@code inner} interleaved rows so memory is
 * read in order.
 */
final class Softmax {
    private Softmax() {}

    private static final int GRAIN = 1 << 14; // elements per task: below this a thread hand-off costs more

    static Tensor forward(Tensor x, int dim, boolean log) {
        int[] shape = x.shape();
        int d = Shape.dim(dim, shape.length == 0 ? 1 : shape.length);
        int outer = shape.length == 0 ? 1 : Dense.prod(shape, 0, d);
        int n = shape.length == 0 ? 1 : shape[d];
        int inner = shape.length == 0 ? 1 : Dense.prod(shape, d + 1, shape.length);
        float[] in = Dense.of(x);
        float[] out = new float[in.length];
        if (inner == 1) {
            int rowsPerTask = Math.max(1, GRAIN / Math.max(1, n));
            Parallel.forRange(outer, rowsPerTask, (from, to) -> {
                for (int r = from; r < to; r++) {
                    rowForward(in, out, r * n, n, log);
                }
            });
        } else {
            int blocksPerTask = Math.max(1, GRAIN / Math.max(1, n * inner));
            Parallel.forRange(outer, blocksPerTask, (from, to) -> {
                double[] max = new double[inner];
                double[] sum = new double[inner];
                for (int o = from; o < to; o++) {
                    blockForward(in, out, o * n * inner, n, inner, max, sum, log);
                }
            });
        }
        String name = log ? "logSoftmax" : "softmax";
        return Tensor.fromOp(name, out, shape, g -> new Tensor[] {backward(Dense.of(g), out, shape, outer, n, inner, log)}, x);
    }

    private static void rowForward(float[] in, float[] out, int base, int n, boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            float v = in[base + j];
            if (v != v) {
                max = v; // NaN propagates to the whole row
                break;
            }
            if (v > max) {
                max = v;
            }
        }
        if (max == Float.NEGATIVE_INFINITY) { // every entry is -inf (or n == 0): no mass anywhere
            Arrays.fill(out, base, base + n, log ? Float.NEGATIVE_INFINITY : 0f);
            return;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double e = Math.exp((double) in[base + j] - max);
            sum += e;
            if (!log) {
                out[base + j] = (float) e;
            }
        }
        if (log) {
            double lse = max + Math.log(sum);
            for (int j = 0; j < n; j++) {
                out[base + j] = (float) (in[base + j] - lse);
            }
        } else {
            double inv = 1.0 / sum;
            for (int j = 0; j < n; j++) {
                out[base + j] = (float) (out[base + j] * inv);
            }
        }
    }

    private static void blockForward(float[] in, float[] out, int base, int n, int inner,
                                     double[] max, double[] sum, boolean log) {
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        Arrays.fill(sum, 0.0);
        for (int j = 0; j < n; j++) {
            int p = base + j * inner;
            for (int i = 0; i < inner; i++) {
                double v = in[p + i];
                if (v != v) {
                    max[i] = Double.NaN;
                } else if (v > max[i]) {
                    max[i] = v;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            int p = base + j * inner;
            for (int i = 0; i < inner; i++) {
                sum[i] += max[i] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(in[p + i] - max[i]);
            }
        }
        for (int j = 0; j < n; j++) {
            int p = base + j * inner;
            for (int i = 0; i < inner; i++) {
                float y;
                if (max[i] == Double.NEGATIVE_INFINITY) {
                    y = log ? Float.NEGATIVE_INFINITY : 0f;
                } else if (log) {
                    y = (float) (in[p + i] - (max[i] + Math.log(sum[i])));
                } else {
                    y = (float) (Math.exp(in[p + i] - max[i]) / sum[i]);
                }
                out[p + i] = y;
            }
        }
    }

    /**
     * softmax: {@code dx = y·(g − Σ g·y)}; log-softmax: {@code dx = g − exp(y)·Σ g}. A row that was
     * entirely −inf is a constant and gets a zero gradient.
     */
    private static Tensor backward(float[] g, float[] y, int[] shape, int outer, int n, int inner, boolean log) {
        float[] dx = new float[y.length];
        int rows = outer * inner;
        int rowsPerTask = Math.max(1, GRAIN / Math.max(1, n));
        Parallel.forRange(rows, rowsPerTask, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = (r / inner) * n * inner + (r % inner);
                if (log) {
                    double sumG = 0;
                    boolean masked = true;
                    for (int j = 0, p = base; j < n; j++, p += inner) {
                        sumG += g[p];
                        masked &= y[p] == Float.NEGATIVE_INFINITY;
                    }
                    if (!masked) {
                        for (int j = 0, p = base; j < n; j++, p += inner) {
                            dx[p] = (float) (g[p] - Math.exp(y[p]) * sumG);
                        }
                    }
                } else {
                    double dot = 0;
                    for (int j = 0, p = base; j < n; j++, p += inner) {
                        dot += (double) g[p] * y[p];
                    }
                    for (int j = 0, p = base; j < n; j++, p += inner) {
                        dx[p] = (float) (y[p] * (g[p] - dot));
                    }
                }
            }
        });
        return Tensor.wrap(dx, shape);
    }
}
