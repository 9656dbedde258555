package dev.visor.tensor;

import dev.visor.tensor.kernel.Gemm;
import dev.visor.tensor.kernel.Parallel;

/**
 * Matrix multiplication with PyTorch's {@code matmul} semantics, on top of {@link Gemm#sgemm}.
 *
 * <p>{@code C = A · B} with {@code C[i][j] = Σₚ A[i][p] · B[p][j]}; a 1-D left operand is a row
 * vector and a 1-D right operand a column vector (the added dimension is removed from the result);
 * dimensions before the last two are batch dimensions and broadcast. A matrix operand whose strides
 * show a transposed layout (a {@code transpose(-1, -2)} view) is passed to the GEMM as transposed
 * with its leading dimension: no copy. A copy is made only when a matrix is neither row- nor
 * column-major (e.g. expanded rows). When the right operand has no batch of its own, the batch of a
 * row-major left operand folds into one tall product ({@code (batch·m, k) · (k, n)}).
 *
 * <p>Gradients: {@code dA = dC · Bᵀ} and {@code dB = Aᵀ · dC}, each summed over the batch
 * dimensions its operand was broadcast along.
 *
 * <pre>{@code
 * Tensor scores = q.matmul(k.transpose(-1, -2));   // (b, h, s, d) @ (b, h, d, s) -> (b, h, s, s)
 * }</pre>
 */
final class LinalgOps {
    private LinalgOps() {}

    /** A matrix operand as the GEMM sees it; {@code copied} when its layout forced a row-major copy. */
    record Operand(float[] data, int offset, boolean trans, int ld, int[] batchStrides, boolean copied) {}

    static Tensor matmul(Tensor a, Tensor b) {
        String shapes = Shape.str(a.shape) + " @ " + Shape.str(b.shape);
        if (a.shape.length == 0 || b.shape.length == 0) {
            throw new IllegalArgumentException("matmul: " + shapes
                    + ": both operands need at least one dimension (use mul to scale by a scalar)");
        }
        int ka = a.shape[a.shape.length - 1];
        int kb = b.shape.length == 1 ? b.shape[0] : b.shape[b.shape.length - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: " + shapes + ": inner dimensions " + ka + " and " + kb + " differ");
        }
        if (a.shape.length >= 2 && b.shape.length >= 2) {
            return batched(a, b, shapes);
        }
        Tensor a2 = a.shape.length == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.shape.length == 1 ? b.unsqueeze(1) : b;
        Tensor c = batched(a2, b2, shapes); // (..., m, n)
        int[] cs = c.shape;
        int drop = (a.shape.length == 1 ? 1 : 0) + (b.shape.length == 1 ? 1 : 0);
        int[] shape = new int[cs.length - drop];
        System.arraycopy(cs, 0, shape, 0, cs.length - 2);
        int j = cs.length - 2;
        if (a.shape.length != 1) {
            shape[j++] = cs[cs.length - 2];
        }
        if (b.shape.length != 1) {
            shape[j] = cs[cs.length - 1];
        }
        return c.reshape(shape);
    }

    /** a (..., m, k) @ b (..., k, n) -> (broadcast batch..., m, n). */
    private static Tensor batched(Tensor a, Tensor b, String shapes) {
        int ra = a.shape.length;
        int rb = b.shape.length;
        int m = a.shape[ra - 2];
        int k = a.shape[ra - 1];
        int n = b.shape[rb - 1];
        int[] batchA = java.util.Arrays.copyOf(a.shape, ra - 2);
        int[] batchB = java.util.Arrays.copyOf(b.shape, rb - 2);
        int[] batch;
        try {
            batch = Shape.broadcast(batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: " + shapes + ": batch dimensions " + Shape.str(batchA) + " and "
                    + Shape.str(batchB) + " cannot be broadcast (expected equal sizes or a 1)", e);
        }
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        float[] out = new float[Shape.numel(outShape)];
        if (out.length > 0 && k > 0) {
            multiply(operand(a, m, k, batch), operand(b, k, n, batch), batch, m, n, k, out);
        }
        return Tensor.fromOp("matmul", out, outShape, g -> {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                ga = g.matmul(b.transpose(-1, -2)).sumTo(a.shape);
            }
            if (b.requiresGrad()) {
                if (rb == 2 && ra > 2) { // one (k, batch·m) · (batch·m, n) product instead of a batch and a sum
                    gb = a.reshape(-1, k).transpose(0, 1).matmul(g.reshape(-1, n));
                } else {
                    gb = a.transpose(-1, -2).matmul(g).sumTo(b.shape);
                }
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    /** How the GEMM reads the last two dimensions of {@code t} ({@code rows × cols}); copies only if it must. */
    static Operand operand(Tensor t, int rows, int cols, int[] batch) {
        int r = t.shape.length;
        int sr = t.strides[r - 2];
        int sc = t.strides[r - 1];
        boolean trans;
        int ld;
        boolean copied = false;
        if ((cols <= 1 || sc == 1) && (rows <= 1 || sr >= Math.max(1, cols))) {
            trans = false;
            ld = rows <= 1 ? Math.max(1, cols) : sr;
        } else if ((rows <= 1 || sr == 1) && (cols <= 1 || sc >= Math.max(1, rows))) {
            trans = true;
            ld = cols <= 1 ? Math.max(1, rows) : sc;
        } else {
            t = new Tensor(t.toArray(), t.shape.clone());
            trans = false;
            ld = Math.max(1, cols);
            copied = true;
        }
        int[] batchStrides = new int[batch.length];
        int lead = batch.length - (r - 2);
        for (int d = lead; d < batch.length; d++) {
            batchStrides[d] = t.shape[d - lead] == 1 ? 0 : t.strides[d - lead];
        }
        return new Operand(t.data, t.offset, trans, ld, batchStrides, copied);
    }

    private static void multiply(Operand a, Operand b, int[] batch, int m, int n, int k, float[] out) {
        int count = Shape.numel(batch);
        if (count == 1 || (!a.trans && allZero(b.batchStrides) && folds(a, batch, m))) {
            Gemm.sgemm(a.trans, b.trans, count * m, n, k, 1f, a.data, a.offset, a.ld,
                    b.data, b.offset, b.ld, 0f, out, 0, n);
            return;
        }
        // the GEMM's one batch policy: big products alone on all cores, smaller ones shared out
        Parallel.forRange(count, Gemm.batchGrain(count, (long) m * n * k), (from, to) -> {
            for (int i = from; i < to; i++) {
                int ao = a.offset;
                int bo = b.offset;
                for (int d = batch.length - 1, rest = i; d >= 0; d--) {
                    int idx = rest % batch[d];
                    rest /= batch[d];
                    ao += idx * a.batchStrides[d];
                    bo += idx * b.batchStrides[d];
                }
                Gemm.sgemm(a.trans, b.trans, m, n, k, 1f, a.data, ao, a.ld, b.data, bo, b.ld, 0f, out, i * m * n, n);
            }
        });
    }

    /** True when a's batch and row dimensions walk its storage as one run of rows {@code ld} apart. */
    private static boolean folds(Operand a, int[] batch, int m) {
        long expected = (long) m * a.ld;
        for (int d = batch.length - 1; d >= 0; d--) {
            if (batch[d] == 1) {
                continue;
            }
            if (a.batchStrides[d] != expected) {
                return false;
            }
            expected *= batch[d];
        }
        return true;
    }

    private static boolean allZero(int[] a) {
        for (int v : a) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}
