package dev.visor.tensor.nn;

import dev.visor.tensor.Shape;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.NormRows;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VecMath;
import java.util.Arrays;

/**
 * Fused layer normalisation over the trailing {@code n} elements of every row, forward and
 * backward. With the Vector API each row runs on {@link NormRows} in float lanes; otherwise the
 * statistics are accumulated in double. The per-row mean and {@code 1/σ} are kept for the backward
 * pass, which recomputes {@code x̂} instead of storing it. {@link #reference} is the oracle.
 */
final class LayerNormOp {
    private LayerNormOp() {}

    private static final int GRAIN = 1 << 14;
    private static final int BLOCK_ROWS = 32; // rows per partial sum of dweight/dbias (fixed: results do not depend on threads)

    static Tensor forward(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int[] shape = x.shape();
        int k = normalizedShape.length;
        int n = Dense.prod(normalizedShape, 0, k);
        int rows = x.numel() / Math.max(1, n);
        float[] in = Dense.of(x);
        float[] w = weight == null ? null : Dense.of(weight);
        float[] b = bias == null ? null : Dense.of(bias);
        float[] out = StepBuffers.floats(in.length);   // every row written
        if (NormRows.available()) {
            float[] wv = w != null ? w : ones(n);
            float[] bv = b != null ? b : new float[n];
            float fe = (float) eps;
            float[] stats = StepBuffers.floats(3 * rows); // per row μ, lo, r (NormRows)
            Parallel.forRange(rows, Math.max(1, GRAIN / n), (from, to) -> {
                for (int r = from; r < to; r++) {
                    NormRows.forward(in, r * n, n, wv, bv, fe, out, stats, 3 * r);
                }
            });
            return Tensor.fromOp("layerNorm", out, shape,
                    g -> backwardLanes(Dense.of(g), g.isHandedOver(), in, wv, stats, rows, n, x, weight, bias), x, weight, bias);
        }
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        Parallel.forRange(rows, Math.max(1, GRAIN / n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * n;
                double mu = VecMath.sumInDouble(in, base, n) / n;
                double rs = 1.0 / Math.sqrt(centredSquares(in, base, n, mu) / n + eps);
                mean[r] = mu;
                rstd[r] = rs;
                for (int j = 0; j < n; j++) {
                    double y = (in[base + j] - mu) * rs;
                    if (w != null) {
                        y *= w[j];
                    }
                    if (b != null) {
                        y += b[j];
                    }
                    out[base + j] = (float) y;
                }
            }
        });
        return Tensor.fromOp("layerNorm", out, shape,
                g -> backward(Dense.of(g), g.isHandedOver(), in, w, mean, rstd, rows, n, x, weight, bias), x, weight, bias);
    }

    /** {@code Σ (x[base + j] − mu)²} in double, in {@link VecMath#sumInDouble}'s order. */
    static double centredSquares(float[] x, int base, int n, double mu) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            double c0 = x[base + j] - mu;
            double c1 = x[base + j + 1] - mu;
            double c2 = x[base + j + 2] - mu;
            double c3 = x[base + j + 3] - mu;
            s0 += c0 * c0;
            s1 += c1 * c1;
            s2 += c2 * c2;
            s3 += c3 * c3;
        }
        for (; j < n; j++) {
            double c = x[base + j] - mu;
            s0 += c * c;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The oracle: plain loops, one double accumulator each, rounding once to float per element.
     * {@code x} is {@code (rows, n)} row-major; {@code w} and {@code b} may be null.
     */
    static float[] reference(float[] x, int rows, int n, float[] w, float[] b, double eps) {
        float[] out = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += x[r * n + j];
            }
            double mu = s / n;
            double ss = 0;
            for (int j = 0; j < n; j++) {
                double c = x[r * n + j] - mu;
                ss += c * c;
            }
            double rs = 1.0 / Math.sqrt(ss / n + eps);
            for (int j = 0; j < n; j++) {
                double y = (x[r * n + j] - mu) * rs;
                if (w != null) {
                    y *= w[j];
                }
                if (b != null) {
                    y += b[j];
                }
                out[r * n + j] = (float) y;
            }
        }
        return out;
    }

    /**
     * The backward oracle: plain loops in double, {@code {dx, dw, db}} for output gradient {@code g}
     * ({@code w} may be null: ones).
     */
    static float[][] referenceBackward(float[] g, float[] x, int rows, int n, float[] w, double eps) {
        float[] dx = new float[rows * n];
        double[] dw = new double[n];
        double[] db = new double[n];
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int j = 0; j < n; j++) {
                mu += x[r * n + j];
            }
            mu /= n;
            double ss = 0;
            for (int j = 0; j < n; j++) {
                ss += (x[r * n + j] - mu) * (x[r * n + j] - mu);
            }
            double rs = 1.0 / Math.sqrt(ss / n + eps);
            double a = 0;
            double c = 0;
            for (int j = 0; j < n; j++) {
                double xh = (x[r * n + j] - mu) * rs;
                double gh = (double) g[r * n + j] * (w == null ? 1 : w[j]);
                a += gh;
                c += gh * xh;
                dw[j] += g[r * n + j] * xh;
                db[j] += g[r * n + j];
            }
            for (int j = 0; j < n; j++) {
                double xh = (x[r * n + j] - mu) * rs;
                double gh = (double) g[r * n + j] * (w == null ? 1 : w[j]);
                dx[r * n + j] = (float) (rs * (gh - a / n - xh * c / n));
            }
        }
        float[] fw = new float[n];
        float[] fb = new float[n];
        for (int j = 0; j < n; j++) {
            fw[j] = (float) dw[j];
            fb[j] = (float) db[j];
        }
        return new float[][] {dx, fw, fb};
    }

    /**
     * With {@code ĝ = g·w}: {@code dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))},
     * {@code dw = Σ_rows g·x̂}, {@code db = Σ_rows g}.
     */
    private static Tensor[] backward(float[] g, boolean inPlace, float[] in, float[] w, double[] mean, double[] rstd,
                                     int rows, int n, Tensor x, Tensor weight, Tensor bias) {
        boolean needX = x.requiresGrad();
        boolean needW = weight != null && weight.requiresGrad();
        boolean needB = bias != null && bias.requiresGrad();
        float[] dx = needX ? dxArray(g, inPlace) : null;
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        double[][] dwPart = needW ? new double[blocks][] : null;
        double[][] dbPart = needB ? new double[blocks][] : null;
        float[] wv = w != null ? w : ones(n);
        Parallel.forRange(blocks, Math.max(1, GRAIN / (n * BLOCK_ROWS)), (from, to) -> {
            double[] sums = new double[2];
            for (int blk = from; blk < to; blk++) {
                // a block whose dweight or dbias is not wanted still sums them, into a throwaway array:
                // cheaper than a test per element
                double[] dw = needW ? (dwPart[blk] = new double[n]) : new double[n];
                double[] db = needB ? (dbPart[blk] = new double[n]) : new double[n];
                int rEnd = Math.min(rows, (blk + 1) * BLOCK_ROWS);
                for (int r = blk * BLOCK_ROWS; r < rEnd; r++) {
                    int base = r * n;
                    double mu = mean[r];
                    double rs = rstd[r];
                    rowSums(g, in, wv, base, n, mu, rs, dw, db, sums);
                    if (dx != null) {
                        double a = sums[0] / n;
                        double c = sums[1] / n;
                        for (int j = 0; j < n; j++) {
                            double xh = (in[base + j] - mu) * rs;
                            double gh = (double) g[base + j] * wv[j];
                            dx[base + j] = (float) (rs * (gh - a - xh * c));
                        }
                    }
                }
            }
        });
        return grads(x, weight, bias, dx, needW ? sumBlocks(dwPart, n) : null, needB ? sumBlocks(dbPart, n) : null);
    }

    /**
     * Where dx goes: into the incoming gradient's own array when autograd hands it over
     * ({@link Tensor#isHandedOver}; a row's g is read whole for its sums before its dx is written, and
     * element {@code j}'s dx only from element {@code j}'s g), else a new array.
     */
    private static float[] dxArray(float[] g, boolean inPlace) {
        return inPlace ? g : StepBuffers.floats(g.length);   // every element written
    }

    /** The gradients each input asks for, wrapped in its shape. */
    private static Tensor[] grads(Tensor x, Tensor weight, Tensor bias, float[] dx, float[] dw, float[] db) {
        return new Tensor[] {
                x.requiresGrad() ? Tensor.handedOver(dx, x.shape()) : null,
                weight != null && weight.requiresGrad() ? Tensor.handedOver(dw, weight.shape()) : null,
                bias != null && bias.requiresGrad() ? Tensor.handedOver(db, bias.shape()) : null};
    }

    /** The backward pass on {@link NormRows}: float partial sums per block of rows, added in double. */
    private static Tensor[] backwardLanes(float[] g, boolean inPlace, float[] in, float[] w, float[] stats, int rows, int n,
                                          Tensor x, Tensor weight, Tensor bias) {
        float[] dx = x.requiresGrad() ? dxArray(g, inPlace) : null;
        float[][] dwPart = new float[(rows + BLOCK_ROWS - 1) / BLOCK_ROWS][];
        float[][] dbPart = new float[dwPart.length][];
        // the partial sums taken here, on the caller, from its step arena (the kernel threads have none)
        for (int blk = 0; blk < dwPart.length; blk++) {
            dwPart[blk] = StepBuffers.zeros(n);
            dbPart[blk] = StepBuffers.zeros(n);
        }
        Parallel.forRange(dwPart.length, Math.max(1, GRAIN / (n * BLOCK_ROWS)), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                float[] dw = dwPart[blk];
                float[] db = dbPart[blk];
                int rEnd = Math.min(rows, (blk + 1) * BLOCK_ROWS);
                for (int r = blk * BLOCK_ROWS; r < rEnd; r++) {
                    NormRows.backward(g, in, r * n, n, w, stats[3 * r], stats[3 * r + 1], stats[3 * r + 2], dw, db, dx);
                }
            }
        });
        return grads(x, weight, bias, dx, sumBlocks(dwPart, n), sumBlocks(dbPart, n));
    }

    /** The float partial sums of the blocks added in double, in block order, rounded once. */
    private static float[] sumBlocks(float[][] parts, int n) {
        double[] acc = StepBuffers.doubles(n);   // (the step arena's, in training)
        Arrays.fill(acc, 0.0);
        for (float[] p : parts) {
            for (int j = 0; j < n; j++) {
                acc[j] += p[j];
            }
        }
        return Dense.rounded(acc, StepBuffers.floats(n));   // every element written
    }

    /**
     * One row of the backward pass: {@code dw[j] += g·x̂}, {@code db[j] += g} and, with {@code ĝ = g·w},
     * {@code sums = {Σ ĝ, Σ ĝ·x̂}} accumulated in four partial sums each (a single chain of dependent
     * double additions made this loop latency-bound).
     */
    static void rowSums(float[] g, float[] in, float[] w, int base, int n, double mu, double rs, double[] dw,
                        double[] db, double[] sums) {
        double g0 = 0, g1 = 0, g2 = 0, g3 = 0;
        double x0 = 0, x1 = 0, x2 = 0, x3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            double xh0 = (in[base + j] - mu) * rs;
            double xh1 = (in[base + j + 1] - mu) * rs;
            double xh2 = (in[base + j + 2] - mu) * rs;
            double xh3 = (in[base + j + 3] - mu) * rs;
            double gj0 = g[base + j];
            double gj1 = g[base + j + 1];
            double gj2 = g[base + j + 2];
            double gj3 = g[base + j + 3];
            dw[j] += gj0 * xh0;
            dw[j + 1] += gj1 * xh1;
            dw[j + 2] += gj2 * xh2;
            dw[j + 3] += gj3 * xh3;
            db[j] += gj0;
            db[j + 1] += gj1;
            db[j + 2] += gj2;
            db[j + 3] += gj3;
            double h0 = gj0 * w[j];
            double h1 = gj1 * w[j + 1];
            double h2 = gj2 * w[j + 2];
            double h3 = gj3 * w[j + 3];
            g0 += h0;
            g1 += h1;
            g2 += h2;
            g3 += h3;
            x0 += h0 * xh0;
            x1 += h1 * xh1;
            x2 += h2 * xh2;
            x3 += h3 * xh3;
        }
        for (; j < n; j++) {
            double xh = (in[base + j] - mu) * rs;
            double gj = g[base + j];
            dw[j] += gj * xh;
            db[j] += gj;
            double h = gj * w[j];
            g0 += h;
            x0 += h * xh;
        }
        sums[0] = (g0 + g1) + (g2 + g3);
        sums[1] = (x0 + x1) + (x2 + x3);
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        Arrays.fill(o, 1f);
        return o;
    }

    private static float[] sumBlocks(double[][] parts, int n) {
        double[] acc = new double[n];
        for (double[] p : parts) {
            for (int j = 0; j < n; j++) {
                acc[j] += p[j];
            }
        }
        return Dense.rounded(acc);
    }

    /** Checks that {@code normalizedShape} is a non-empty suffix of {@code x}'s shape and the affine shapes. */
    static void check(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int[] shape = x.shape();
        int k = normalizedShape.length;
        if (k == 0 || k > shape.length
                || !Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape)) {
            throw new IllegalArgumentException("layerNorm over " + Shape.str(normalizedShape)
                    + " needs an input whose last dimensions are " + Shape.str(normalizedShape) + " but got " + Shape.str(shape));
        }
        if (Shape.numel(normalizedShape) == 0) {
            throw new IllegalArgumentException("layerNorm needs at least one element to normalise but normalizedShape is "
                    + Shape.str(normalizedShape));
        }
        if (weight != null && !Arrays.equals(weight.shape(), normalizedShape)) {
            throw new IllegalArgumentException("layerNorm weight has shape " + Shape.str(weight.shape())
                    + " but normalizedShape is " + Shape.str(normalizedShape));
        }
        if (bias != null && !Arrays.equals(bias.shape(), normalizedShape)) {
            throw new IllegalArgumentException("layerNorm bias has shape " + Shape.str(bias.shape())
                    + " but normalizedShape is " + Shape.str(normalizedShape));
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("layerNorm eps must be finite and >= 0 but got " + eps);
        }
    }
}
