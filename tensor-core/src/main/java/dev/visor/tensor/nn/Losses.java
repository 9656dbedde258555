package dev.visor.tensor.nn;

import dev.visor.tensor.Shape;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VecMath;
import java.util.Arrays;

/** Fused cross-entropy (log-softmax + NLL + label smoothing) and mean squared error. */
final class Losses {
    private Losses() {}

    private static final int GRAIN = 1 << 14;

    /**
     * Each thread's row for cross-entropy's e^(z − max), written and summed and never read back, so
     * its contents do not matter: kept and grown to the widest row seen, so that a training step in
     * steady state makes none (the rows run on kernel threads, which have no step arena; one
     * {@code float[classes]} per chunk was about 120 kB of the base step's allocation, benchmarks/JOURNAL.md
     * "alloc13"). A 256 k-word vocabulary keeps 1 MB per thread.
     */
    private static final ThreadLocal<float[][]> EXPS = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    /** This thread's exps row with at least {@code classes} elements, contents unspecified. */
    static float[] expsRow(int classes) {
        float[][] held = EXPS.get();
        if (held[0].length < classes) {
            held[0] = new float[classes];
        }
        return held[0];
    }

    /**
     * Per row i with target y, C classes, smoothing ε and {@code lse = log Σ_c exp(z_c)}:
     * {@code loss_i = (1−ε)·(lse − z_y) + (ε/C)·Σ_c (lse − z_c)}, zero for ignored rows.
     */
    static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        int[] shape = logits.shape();
        if (shape.length == 0) {
            throw new IllegalArgumentException("crossEntropy needs logits of shape (..., classes) but got a scalar");
        }
        int classes = shape[shape.length - 1];
        if (classes == 0) {
            throw new IllegalArgumentException("crossEntropy needs at least one class but logits have shape " + Shape.str(shape));
        }
        int rows = logits.numel() / classes;
        if (targets.length != rows) {
            throw new IllegalArgumentException("crossEntropy got " + targets.length + " targets for logits of shape "
                    + Shape.str(shape) + " (expected " + rows + ", one per row of " + classes + " classes)");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1] but got " + labelSmoothing);
        }
        int counted = 0;
        for (int i = 0; i < rows; i++) {
            int t = targets[i];
            if (t == ignoreIndex) {
                continue;
            }
            if (t < 0 || t >= classes) {
                throw new IllegalArgumentException("target " + t + " at position " + i + " is out of range for " + classes
                        + " classes (expected 0.." + (classes - 1) + " or the ignore index " + ignoreIndex + ")");
            }
            counted++;
        }
        int[] tgt = targets.clone();
        float[] z = Dense.of(logits);
        // from the step arena when one is open (its arrays live until its scope ends, past the backward pass
        // that reads lse), not zeroed: every row is written below, an ignored row with zeros
        double[] lse = StepBuffers.doubles(rows);
        double[] loss = StepBuffers.doubles(rows);
        double smooth = labelSmoothing / classes;
        double confidence = 1.0 - labelSmoothing;
        Parallel.forRange(rows, Math.max(1, GRAIN / classes), (from, to) -> {
            float[] exps = expsRow(classes);   // the row's e^(z − max), of which only the sum is kept
            for (int r = from; r < to; r++) {
                if (tgt[r] == ignoreIndex) {
                    lse[r] = 0;   // never read; written so that no row keeps a reused array's old value
                    loss[r] = 0;   // summed and returned as the row's loss
                    continue;
                }
                int base = r * classes;
                // in lanes (Math.max: NaN wins; a −0/+0 tie moves no bit of the loss or the gradient);
                // Σz, a chain of dependent double adds, only when label smoothing reads it
                float max = VecMath.max(z, base, classes);
                double sumZ = 0;
                if (smooth != 0) {
                    for (int c = 0; c < classes; c++) {
                        sumZ += z[base + c];
                    }
                }
                double s = VecMath.expShiftSum(z, base, max, exps, 0, classes);
                double l = max + Math.log(s);
                lse[r] = l;
                double nll = l - z[base + tgt[r]];
                loss[r] = smooth == 0 ? confidence * nll : confidence * nll + smooth * (classes * l - sumZ);
            }
        });
        float[] out;
        int[] outShape;
        if (reduction == Reduction.NONE) {
            out = new float[rows];
            for (int r = 0; r < rows; r++) {
                out[r] = (float) loss[r];
            }
            outShape = Arrays.copyOf(shape, shape.length - 1);
        } else {
            double total = 0;
            for (double l : loss) {
                total += l;
            }
            out = new float[] {(float) (reduction == Reduction.MEAN ? total / counted : total)};
            outShape = new int[0];
        }
        int count = counted;
        return Tensor.fromOp("crossEntropy", out, outShape, g -> {
            float[] gv = Dense.of(g);
            float[] dz = StepBuffers.zeros(z.length);   // ignored rows stay 0
            Parallel.forRange(rows, Math.max(1, GRAIN / classes), (from, to) -> {
                for (int r = from; r < to; r++) {
                    if (tgt[r] == ignoreIndex) {
                        continue;
                    }
                    double w = switch (reduction) {
                        case NONE -> gv[r];
                        case SUM -> gv[0];
                        case MEAN -> gv[0] / (double) count;
                    };
                    int base = r * classes;
                    double l = lse[r];
                    for (int c = 0; c < classes; c++) {
                        dz[base + c] = (float) (z[base + c] - l);
                    }
                    VecMath.exp(dz, base, dz, base, classes); // softmax, in place
                    for (int c = 0; c < classes; c++) {
                        dz[base + c] = (float) (w * (dz[base + c] - smooth));
                    }
                    dz[base + tgt[r]] -= (float) (w * confidence);
                }
            });
            return new Tensor[] {Tensor.handedOver(dz, shape)};
        }, logits);
    }

    /**
     * The plain double-precision loop the fused op is tested against ({@code Math.exp} per element):
     * {@code {loss per row, gradient of the summed loss}} for logits {@code z} of {@code rows × classes}.
     */
    static float[][] reference(float[] z, int classes, int[] targets, int ignoreIndex, double labelSmoothing) {
        int rows = z.length / classes;
        float[] loss = new float[rows];
        float[] dz = new float[z.length];
        double smooth = labelSmoothing / classes;
        for (int r = 0; r < rows; r++) {
            if (targets[r] == ignoreIndex) {
                continue;
            }
            int base = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            double sumZ = 0;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[base + c]);
                sumZ += z[base + c];
            }
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += Math.exp(z[base + c] - max);
            }
            double l = max + Math.log(s);
            loss[r] = (float) ((1 - labelSmoothing) * (l - z[base + targets[r]]) + smooth * (classes * l - sumZ));
            for (int c = 0; c < classes; c++) {
                dz[base + c] = (float) (Math.exp(z[base + c] - l) - smooth);
            }
            dz[base + targets[r]] -= (float) (1 - labelSmoothing);
        }
        return new float[][] {loss, dz};
    }

    /** {@code (x − t)²}, reduced; gradients {@code ±2(x − t)} scaled by the reduction. */
    static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mseLoss needs input and target of the same shape but got "
                    + Shape.str(input.shape()) + " and " + Shape.str(target.shape()));
        }
        float[] x = Dense.of(input);
        float[] t = Dense.of(target);
        int n = x.length;
        float[] out;
        int[] outShape;
        if (reduction == Reduction.NONE) {
            out = new float[n];
            for (int i = 0; i < n; i++) {
                float d = x[i] - t[i];
                out[i] = d * d;
            }
            outShape = input.shape();
        } else {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) x[i] - t[i];
                s += d * d;
            }
            out = new float[] {(float) (reduction == Reduction.MEAN ? s / n : s)};
            outShape = new int[0];
        }
        return Tensor.fromOp("mseLoss", out, outShape, g -> {
            float[] gv = Dense.of(g);
            float[] dx = new float[n];
            for (int i = 0; i < n; i++) {
                double scale = switch (reduction) {
                    case NONE -> gv[i];
                    case SUM -> gv[0];
                    case MEAN -> gv[0] / (double) n;
                };
                dx[i] = (float) (2.0 * scale * ((double) x[i] - t[i]));
            }
            float[] dt = new float[n];
            for (int i = 0; i < n; i++) {
                dt[i] = -dx[i];
            }
            return new Tensor[] {Tensor.wrap(dx, input.shape()), Tensor.wrap(dt, target.shape())};
        }, input, target);
    }
}
