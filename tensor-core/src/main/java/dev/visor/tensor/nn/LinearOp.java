package dev.visor.tensor.nn;

import dev.visor.tensor.LeafGradients;
import dev.visor.tensor.Shape;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Gemm;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VecMath;
import java.util.Arrays;

/**
 * {@code y = x·Wᵀ + b} for {@code x (..., in)}, {@code W (out, in)}, {@code b (out)} on
 * {@link Gemm#sgemm} with a transposed B operand (W is never copied). Backward:
 * {@code dx = g·W}, {@code dW = gᵀ·x}, {@code db = Σ_rows g} ({@link #columnSums}), each only when needed;
 * in a {@link LeafGradients#addInPlace} scope a weight that already has a gradient receives
 * {@code grad += gᵀ·x} from the product itself (beta 1) instead of a new {@code dW}.
 */
final class LinearOp {
    private LinearOp() {}

    private static final int BIAS_GRAIN = 1 << 16; // floats per chunk of the bias broadcast

    /** Rows per float partial sum of the bias gradient; the partial sums are added in double. */
    static final int SUM_BLOCK = 32;

    /** The fewest elements of {@code g} per chunk when the bias gradient's columns split across threads. */
    private static final int SUM_GRAIN = 1 << 17;

    /**
     * {@code Σ_rows g} of a {@code (rows, out)} matrix: each block of {@value #SUM_BLOCK} rows is
     * summed in float lanes ({@link VecMath#add}), the blocks in double, always in the same order. The
     * columns are split across threads ({@link Parallel}) when there is enough of them: each column's
     * additions are the same on any number of threads, so the sums are the same bits.
     */
    static float[] columnSums(float[] g, int rows, int out) {
        float[] sums = StepBuffers.floats(out);   // every column written
        // the work arrays taken here, on the caller, from its step arena; each chunk uses its own columns
        double[] acc = StepBuffers.doubles(out);
        float[] block = StepBuffers.floats(out);
        Parallel.forRange(out, Math.max(16, SUM_GRAIN / Math.max(1, rows)),
                (from, to) -> columnSums(g, rows, out, from, to, sums, acc, block));
        return sums;
    }

    /** {@link #columnSums} of columns {@code from … to−1} into {@code sums}, with those columns of {@code acc} and {@code block}. */
    private static void columnSums(float[] g, int rows, int out, int from, int to, float[] sums, double[] acc, float[] block) {
        int width = to - from;
        Arrays.fill(acc, from, to, 0.0);
        for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
            int r1 = Math.min(rows, r0 + SUM_BLOCK);
            System.arraycopy(g, r0 * out + from, block, from, width);
            for (int r = r0 + 1; r < r1; r++) {
                VecMath.add(block, from, g, r * out + from, block, from, width);
            }
            for (int j = from; j < to; j++) {
                acc[j] += block[j];
            }
        }
        for (int j = from; j < to; j++) {
            sums[j] = (float) acc[j];
        }
    }

    static Tensor forward(Tensor x, Tensor weight, Tensor bias) {
        int[] xShape = x.shape();
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear weight must be (outFeatures, inFeatures) but has shape "
                    + Shape.str(weight.shape()));
        }
        int out = weight.size(0);
        int in = weight.size(1);
        if (xShape.length == 0 || xShape[xShape.length - 1] != in) {
            throw new IllegalArgumentException("linear input of shape " + Shape.str(xShape) + " has "
                    + (xShape.length == 0 ? "no feature dimension" : xShape[xShape.length - 1] + " features")
                    + " but the weight " + Shape.str(weight.shape()) + " expects " + in);
        }
        if (bias != null && !Arrays.equals(bias.shape(), new int[] {out})) {
            throw new IllegalArgumentException("linear bias has shape " + Shape.str(bias.shape()) + " but the weight "
                    + Shape.str(weight.shape()) + " needs [" + out + "]");
        }
        int m = x.numel() / Math.max(1, in);
        if (in == 0) {
            m = Dense.prod(xShape, 0, xShape.length - 1);
        }
        float[] xv = Dense.of(x);
        // a contiguous weight view (a row block of a fused projection, e.g. attention's query rows of
        // in_proj_weight) is read in place: Dense.of would copy all of it at every call
        boolean inPlace = weight.isContiguous();
        float[] wv = inPlace ? weight.storage() : Dense.of(weight);
        int wOff = inPlace ? weight.offset() : 0;
        float[] bv = bias == null ? null : Dense.of(bias);
        float[] y = StepBuffers.floats(m * out);   // every element written: the bias rows, or beta 0
        if (bv != null) {
            // the bias rows are a write of the whole output: split them like the product
            Parallel.forRange(m, Math.max(1, BIAS_GRAIN / Math.max(1, out)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    System.arraycopy(bv, 0, y, r * out, out);
                }
            });
        }
        if (m > 0 && out > 0) {
            Gemm.sgemm(false, true, m, out, in, 1f, xv, 0, in, wv, wOff, in, bv == null ? 0f : 1f, y, 0, out);
        }
        int[] yShape = xShape.clone();
        yShape[yShape.length - 1] = out;
        int rows = m;
        return Tensor.fromOp("linear", y, yShape, g -> {
            float[] gv = Dense.of(g); // (rows, out)
            Tensor dx = null;
            Tensor dw = null;
            Tensor db = null;
            // an empty product (no rows, inputs or outputs) writes nothing: its gradients are zeros, and a
            // step arena's array may hold anything, so those ask for zeros; a product writes every element (beta 0)
            boolean product = rows > 0 && in > 0 && out > 0;
            if (x.requiresGrad()) {
                float[] d = product ? StepBuffers.floats(rows * in) : StepBuffers.zeros(rows * in);
                if (product) {
                    Gemm.sgemm(false, false, rows, in, out, 1f, gv, 0, out, wv, wOff, in, 0f, d, 0, in);
                }
                dx = Tensor.handedOver(d, xShape);
            }
            float[] sum = weight.requiresGrad() ? LeafGradients.into(weight, out * in) : null;
            if (sum != null) {
                // grad += gᵀ·x in the product itself: no weight-sized array, no pass to add it (LeafGradients)
                if (product) {
                    Gemm.sgemm(true, false, out, in, rows, 1f, gv, 0, out, xv, 0, in, 1f, sum, 0, in);
                }
            } else if (weight.requiresGrad()) {
                float[] d = product ? StepBuffers.floats(out * in) : StepBuffers.zeros(out * in);
                if (product) {
                    Gemm.sgemm(true, false, out, in, rows, 1f, gv, 0, out, xv, 0, in, 0f, d, 0, in);
                }
                dw = Tensor.handedOver(d, out, in);
            }
            if (bias != null && bias.requiresGrad()) {
                db = Tensor.handedOver(columnSums(gv, rows, out), out);
            }
            return new Tensor[] {dx, dw, db};
        }, x, weight, bias);
    }
}
