package dev.visor.attention;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VecMath;

/**
 * Attention of a few new queries (decoding: usually one per row) over a {@link KvCache}, read in
 * place from the cache's {@code (batch, kvHeads, capacity, headDim)} storage. The flash kernel packs
 * every key block it visits (transposed, for its query-block tiles); for one query row that packing
 * would copy the whole cache at every step, so this kernel takes a score per key as one contiguous
 * dot product instead and sums the value rows in place:
 * <pre>
 *   s_j = scale · q·k_j  for the keys the mask allows,   p = softmax(s),   o = Σ_j p_j v_j
 * </pre>
 * Rows that attend nothing give 0, as in {@link FlashAttention}. Rows and heads are split across the
 * cores when the cache is long enough to pay for a hand-off. Inference only: no gradient, no dropout
 * (callers fall back to the flash kernel otherwise — see {@link #applies}).
 *
 * <pre>{@code
 * float[] merged = DecodeAttention.forward(HeadsView.of(q), cache, mask, AttentionConfig.defaults(64).scale());  // (batch, n, heads·headDim)
 * }</pre>
 */
final class DecodeAttention {
    /** Query rows per call up to which this kernel is used; longer calls (a prompt) run the flash kernel. */
    static final int MAX_QUERIES = 4;
    /** Multiply-adds per parallel task. */
    private static final long GRAIN_WORK = 1L << 15;

    private DecodeAttention() {}

    /** True when a cached call with these inputs can run here: few queries, no gradient, no dropout. */
    static boolean applies(Tensor q, AttentionConfig cfg) {
        return q.size(2) <= MAX_QUERIES && cfg.dropout() == 0f && !(GradMode.isEnabled() && q.requiresGrad());
    }

    /**
     * Attention of {@code q (batch, heads, n, headDim)} over the cache.
     *
     * @return the output, {@code (batch, n, heads·headDim)} row-major: the heads merged, as the output projection wants them
     */
    static float[] forward(HeadsView q, KvCache cache, BlockSparsity mask, float scale) {
        int batch = q.batch();
        int heads = q.heads();
        int n = q.seq();
        int hd = q.dim();
        int group = heads / cache.kvHeads();
        int lk = cache.length();
        if (cache.batch() != batch || hd != cache.headDim() || heads % cache.kvHeads() != 0) {
            throw new IllegalArgumentException("queries " + q.shapeString() + " do not fit a cache of (" + cache.batch() + ", "
                    + cache.kvHeads() + ", " + lk + ", " + cache.headDim() + ")");
        }
        if (mask.batch() != batch || mask.queryLength() != n || mask.keyLength() != lk) {
            throw new IllegalArgumentException("the mask is for (batch " + mask.batch() + ", Lq " + mask.queryLength() + ", Lk "
                    + mask.keyLength() + ") but the call is (batch " + batch + ", Lq " + n + ", Lk " + lk + ")");
        }
        float[] out = StepBuffers.zeros(batch * n * heads * hd);   // accumulated into; a row that attends nothing stays 0
        int tasks = batch * heads;
        long work = 2L * n * lk * hd;
        Parallel.forRange(tasks, (int) Math.max(1, GRAIN_WORK / Math.max(1, work)), (from, to) -> {
            float[] scores = new float[lk];
            // a query row with unit feature stride (the projection's layout) is read in place; otherwise gathered
            float[] qRow = q.dimStride() == 1 ? null : new float[hd];
            for (int t = from; t < to; t++) {
                int b = t / heads;
                int h = t % heads;
                int base = cache.base(b, h / group);
                for (int i = 0; i < n; i++) {
                    float[] qData = q.data();
                    int qOff = q.index(b, h, i, 0);
                    if (qRow != null) {
                        for (int c = 0; c < hd; c++) {
                            qRow[c] = q.get(b, h, i, c);
                        }
                        qData = qRow;
                        qOff = 0;
                    }
                    row(b, h, i, qData, qOff, cache, base, lk, hd, mask, scale, scores, out, ((b * n + i) * heads + h) * hd);
                }
            }
        });
        return out;
    }

    /** One query row ({@code hd} features at {@code q[qOff..]}): scores over the allowed keys, softmax, the weighted sum of values into {@code out}. */
    private static void row(int b, int h, int i, float[] q, int qOff, KvCache cache, int base, int lk, int hd, BlockSparsity mask,
                            float scale, float[] scores, float[] out, int outOff) {
        float[] keys = cache.keyData();
        float[] values = cache.valueData();
        java.util.Arrays.fill(scores, 0, lk, Float.NEGATIVE_INFINITY);
        int kbs = mask.keyBlockSize();
        for (int entry : mask.keyBlocks(b, h, i / mask.queryBlockSize())) {
            int k0 = BlockSparsity.block(entry) * kbs;
            int k1 = Math.min(lk, k0 + kbs);
            boolean partial = BlockSparsity.isPartial(entry);
            for (int j = k0; j < k1; j++) {
                if (!partial || mask.attends(b, h, i, j)) {
                    scores[j] = scale * VecMath.dot(q, qOff, keys, base + j * hd, hd);
                }
            }
        }
        float max = VecMath.max(scores, 0, lk);
        if (max == Float.NEGATIVE_INFINITY) {
            return;                                                  // attends nothing: output 0
        }
        float sum = VecMath.expShiftSum(scores, 0, max, scores, 0, lk);
        float inv = 1f / sum;
        for (int j = 0; j < lk; j++) {
            float p = scores[j];
            if (p != 0f) {
                VecMath.axpy(p * inv, values, base + j * hd, out, outOff, hd);
            }
        }
    }
}
