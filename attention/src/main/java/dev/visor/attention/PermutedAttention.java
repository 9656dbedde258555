package dev.visor.attention;

import dev.visor.tensor.kernel.Parallel;

/**
 * Flash attention in the position order a mask declares ({@link dev.visor.mask.Mask#kernelOrder()}):
 * the same results as {@link FlashAttention}, with a cost that follows the mask's blocks in that order.
 *
 * <p>For a mask compiled by the mask module whose natural blocks are mostly PARTIAL and whose declared
 * order makes them EMPTY or FULL (see {@link PermutedLayout#choose}), the queries, keys and values
 * are gathered into the declared order ({@code O(N·d)}), {@link FlashAttention} runs on the reordered
 * blocks, and the output and log-sum-exp (in the backward pass dQ, dK, dV) are scattered back. The
 * predicate is asked at the original positions, so PARTIAL blocks stay exact. Everything else — no
 * declared order, a reordering that would not pay, attention dropout (whose mask is drawn per
 * (query, key) position of the call, so reordering would change it), a mask that is not a compiled
 * one — runs {@link FlashAttention} unchanged. Score modifiers are not applied here; their path keeps
 * the natural layout.
 *
 * <pre>{@code
 * BlockSparsity mask = BlockSparsity.of(CompiledMask.compile(strided, shape, 64, 64));
 * float[] lse = PermutedAttention.forward(q, k, v, out, mask, cfg);   // same as FlashAttention.forward
 * PermutedAttention.backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, cfg);
 * }</pre>
 */
public final class PermutedAttention {
    /** Copies of fewer elements than this run on the calling thread. */
    private static final long COPY_GRAIN = 1 << 16;

    private PermutedAttention() {}

    /**
     * {@link FlashAttention#forward}, in the mask's declared order when that pays.
     *
     * @param q the queries {@code (B, H, Lq, dk)}
     * @param k the keys {@code (B, Hkv, Lk, dk)}
     * @param v the values {@code (B, Hkv, Lk, dv)}
     * @param out the output {@code (B, H, Lq, dv)}, every element written
     * @param mask the compiled mask, or {@code null} for none
     * @param cfg the attention configuration
     * @return the log-sum-exp of every row, row-major {@code (B, H, Lq)}
     */
    public static float[] forward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                                  AttentionConfig cfg) {
        PermutedLayout layout = layoutFor(mask, cfg);
        return layout == null ? FlashAttention.forward(q, k, v, out, mask, cfg) : forward(q, k, v, out, layout, cfg);
    }

    /**
     * {@link FlashAttention#backward}, in the mask's declared order when that pays (the same choice as
     * {@link #forward} for the same mask and configuration).
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param out the output of {@link #forward}
     * @param lse the log-sum-exp returned by {@link #forward}
     * @param dOut the gradient of the output
     * @param dq the gradient of the queries (written)
     * @param dk the gradient of the keys (written)
     * @param dv the gradient of the values (written)
     * @param mask the compiled mask, or {@code null}
     * @param cfg the attention configuration
     */
    public static void backward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                                HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, AttentionConfig cfg) {
        PermutedLayout layout = layoutFor(mask, cfg);
        if (layout == null) {
            FlashAttention.backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, cfg);
        } else {
            backward(q, k, v, out, lse, dOut, dq, dk, dv, layout, cfg);
        }
    }

    /**
     * Whether {@link #forward} reorders for this mask and configuration.
     *
     * @param mask the compiled mask, or null
     * @param cfg the attention configuration
     * @return true when the mask's declared order is used
     */
    public static boolean reorders(BlockSparsity mask, AttentionConfig cfg) {
        return layoutFor(mask, cfg) != null;
    }

    private static PermutedLayout layoutFor(BlockSparsity mask, AttentionConfig cfg) {
        return mask instanceof CompiledSparsity c && !cfg.hasDropout() ? c.permutedLayout() : null;
    }

    /** The forward pass in {@code layout}'s order, whatever it costs. */
    static float[] forward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, PermutedLayout layout,
                           AttentionConfig cfg) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        s.checkOutput("output", out, s.valueDim());
        CompiledSparsity kernel = layout.kernel();
        s.checkMask(kernel);
        int[] rows = layout.queryRows();
        int[] cols = layout.keyColumns();
        HeadsView outP = HeadsView.zeros(s.batch(), s.heads(), s.queryLength(), s.valueDim());
        float[] lseP = FlashAttention.forward(gather(q, rows), gather(k, cols), gather(v, cols), outP, kernel, cfg);
        scatter(outP, rows, out);
        float[] lse = new float[lseP.length];
        for (int bh = 0; bh < s.batch() * s.heads(); bh++) {
            int base = bh * s.queryLength();
            for (int i = 0; i < rows.length; i++) {
                lse[base + rows[i]] = lseP[base + i];
            }
        }
        return lse;
    }

    /** The backward pass in {@code layout}'s order, whatever it costs. */
    static void backward(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                         HeadsView dq, HeadsView dk, HeadsView dv, PermutedLayout layout, AttentionConfig cfg) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        s.checkBackward(out, lse, dOut, dq, dk, dv);
        int n = lse.length;
        int[] rows = layout.queryRows();
        int[] cols = layout.keyColumns();
        float[] lseP = new float[n];
        for (int bh = 0; bh < s.batch() * s.heads(); bh++) {
            int base = bh * s.queryLength();
            for (int i = 0; i < rows.length; i++) {
                lseP[base + i] = lse[base + rows[i]];
            }
        }
        HeadsView dqP = HeadsView.zeros(s.batch(), s.heads(), s.queryLength(), s.keyDim());
        HeadsView dkP = HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.keyDim());
        HeadsView dvP = HeadsView.zeros(s.batch(), s.kvHeads(), s.keyLength(), s.valueDim());
        FlashAttention.backward(gather(q, rows), gather(k, cols), gather(v, cols), gather(out, rows), lseP,
                gather(dOut, rows), dqP, dkP, dvP, layout.kernel(), cfg);
        scatter(dqP, rows, dq);
        scatter(dkP, cols, dk);
        scatter(dvP, cols, dv);
    }

    /** A new contiguous view whose position {@code i} is position {@code order[i]} of {@code from}. */
    static HeadsView gather(HeadsView from, int[] order) {
        HeadsView to = HeadsView.zeros(from.batch(), from.heads(), from.seq(), from.dim());
        copyRows(from, order, to, false);
        return to;
    }

    /** Writes position {@code i} of the contiguous {@code from} to position {@code order[i]} of {@code to}. */
    static void scatter(HeadsView from, int[] order, HeadsView to) {
        copyRows(to, order, from, true);
    }

    /** Copies position {@code order[i]} of {@code original} to position {@code i} of {@code kernel}, or back. */
    private static void copyRows(HeadsView original, int[] order, HeadsView kernel, boolean back) {
        float[] o = original.data();
        float[] c = kernel.data();
        int dim = original.dim();
        int os = original.dimStride();
        int cs = kernel.dimStride();
        int heads = original.heads();
        int slices = original.batch() * heads;
        long work = (long) slices * order.length * dim;
        Parallel.forRange(slices, work < COPY_GRAIN ? slices : 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads;
                int h = bh % heads;
                for (int i = 0; i < order.length; i++) {
                    int oi = original.index(b, h, order[i], 0);
                    int ci = kernel.index(b, h, i, 0);
                    if (os == 1 && cs == 1) {
                        if (back) System.arraycopy(c, ci, o, oi, dim);
                        else System.arraycopy(o, oi, c, ci, dim);
                    } else if (back) {
                        for (int d = 0; d < dim; d++) o[oi + d * os] = c[ci + d * cs];
                    } else {
                        for (int d = 0; d < dim; d++) c[ci + d * cs] = o[oi + d * os];
                    }
                }
            }
        });
    }
}
