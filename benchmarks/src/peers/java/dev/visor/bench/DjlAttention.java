package dev.visor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.visor.mask.Mask;

/**
 * Masked scaled-dot-product attention as a DJL user writes it, since DJL has no fused attention
 * operator: {@code softmax(q·kᵀ/√d + mask)·v} in four PyTorch calls (scale {@code q}, matmul, add
 * the additive mask, softmax, matmul), materialising the {@code (batch, heads, Lq, Lk)} scores.
 * The additive mask is built once per shape from a Visor {@link Mask}'s element predicate, so both
 * libraries attend exactly the same (query, key) pairs.
 */
final class DjlAttention {
    private DjlAttention() {}

    /**
     * The additive mask {@code (lq, lk)} of {@code mask} for batch 0, head 0: {@code 0} where the
     * query attends the key, {@code −∞} elsewhere (as PyTorch's {@code attn_mask} takes it).
     *
     * @throws IllegalArgumentException if the mask depends on the batch or head (one {@code (lq, lk)}
     *                                  matrix could not express it)
     */
    static NDArray additiveMask(NDManager manager, Mask mask, int lq, int lk) {
        if (mask.dependsOnBatch() || mask.dependsOnHead()) {
            throw new IllegalArgumentException("mask " + mask + " depends on the batch or head; expected one (Lq, Lk) pattern");
        }
        float[] bias = new float[lq * lk];
        for (int i = 0; i < lq; i++) {
            for (int j = 0; j < lk; j++) {
                bias[i * lk + j] = mask.attends(0, 0, i, j) ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(bias, new Shape(lq, lk));
    }

    /**
     * {@code softmax(q·kᵀ/√d + mask)·v} for {@code q (…, Lq, d)}, {@code k (…, Lk, d)},
     * {@code v (…, Lk, dv)}; {@code mask} is {@code null} (attend everything) or broadcasts to the
     * scores. Intermediates stay attached to the inputs' manager: call inside an {@code NDScope}.
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long d = q.getShape().get(q.getShape().dimension() - 1);
        int rank = k.getShape().dimension();
        int[] swapLast = new int[rank];
        for (int i = 0; i < rank; i++) {
            swapLast[i] = i;
        }
        swapLast[rank - 2] = rank - 1;
        swapLast[rank - 1] = rank - 2;
        NDArray scores = q.mul((float) (1.0 / Math.sqrt(d))).matMul(k.transpose(swapLast));
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(v);
    }
}
