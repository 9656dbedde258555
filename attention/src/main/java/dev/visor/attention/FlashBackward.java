package dev.visor.attention;

import dev.visor.tensor.kernel.VecMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backward pass by recomputation (FlashAttention-2, Dao 2023): for each visited tile the
 * probabilities are rebuilt from the stored log-sum-exp, {@code P = exp(S − lse)}, and
 * <pre>
 *   dV_j += Pᵀ dO_i,   dP = dO_i V_jᵀ,   dS = P ∘ (dP − D_i),   D_i = rowsum(dO_i ∘ O_i)
 *   dQ_i += scale · dS K_j,   dK_j += scale · dSᵀ Q_i
 * </pre>
 * Work items are {@code (b, h, queryBlock)} in order, so the items of one key/value head (all its
 * query heads and blocks) are contiguous. A chunk accumulates dK/dV of the key/value head it is on
 * privately and writes them out when no other chunk touches that head; the (at most two) heads a
 * chunk shares with its neighbours are summed after all chunks finish. dQ rows belong to one item
 * and need no synchronisation. With score modifiers, {@code dS} passes back through them row by row
 * ({@link TileModifier}), and their parameter gradients are summed per chunk and then in chunk order.
 */
final class FlashBackward {
    private FlashBackward() {}

    /**
     * Writes {@code dq}, {@code dk}, {@code dv} (every element).
     *
     * @param out  the forward output {@code (B, H, Lq, dv)}
     * @param lse  the forward log-sum-exp {@code (B, H, Lq)}
     * @param dOut the gradient of the output
     */
    static float[] run(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
                       HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, AttentionConfig cfg,
                       ScoreModification mods, TileOps ops, int chunks) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        int nQb = mask.queryBlocks();
        int items = s.batch() * s.heads() * nQb;
        float[] dTheta = new float[mods == null ? 0 : mods.theta().length];
        if (items == 0) {
            fill(dk, 0f);
            fill(dv, 0f);
            return dTheta;
        }
        long perBlock = (long) mask.queryBlockSize() * mask.keyBlockSize() * 2L * (2L * s.keyDim() + 3L * s.valueDim());
        int[] bounds = FlashWorker.plan(mask, s, perBlock, chunks);
        chunks = bounds.length - 1;
        int itemsPerGroup = s.group() * nQb;
        @SuppressWarnings("unchecked")
        List<Partial>[] stash = new List[chunks];
        PartialTiles tiles = PartialTiles.forCall(mask, FlashWorker.tileWidth(mask, ops));
        double[][] thetaParts = new double[chunks][];
        // the workers' scratch, partial dK/dV included, stays this call's until the partials are written
        try (FlashScratch.Lease lease = FlashScratch.lease()) {
            WorkSplit.run(bounds, () -> new Worker(q, k, v, out, lse, dOut, dq, dk, dv, mask, tiles, cfg, mods, ops, s,
                            lease.take()),
                    (worker, chunk, from, to) -> {
                        stash[chunk] = worker.run(from, to, itemsPerGroup);
                        thetaParts[chunk] = worker.mod == null ? null : worker.mod.takeChunk();
                    });
            writeShared(stash, s, ops, cfg, dk, dv);
        }
        // parameter gradients: the chunks' partial sums in chunk order, whichever thread ran them
        double[] theta = new double[dTheta.length];
        for (double[] part : thetaParts) {
            if (part != null) {
                for (int p = 0; p < part.length; p++) {
                    theta[p] += part[p];
                }
            }
        }
        for (int p = 0; p < theta.length; p++) {
            dTheta[p] = (float) theta[p];
        }
        return dTheta;
    }

    /** The heads split between chunks: their partial dK/dV summed in chunk order, then written. */
    private static void writeShared(List<Partial>[] stash, AttentionShapes s, TileOps ops, AttentionConfig cfg,
                                    HeadsView dk, HeadsView dv) {
        Map<Integer, Partial> merged = new TreeMap<>();
        int dkPad = ops.pad(s.keyDim());
        int dvPad = ops.pad(s.valueDim());
        for (List<Partial> list : stash) {
            if (list == null) {
                continue;
            }
            for (Partial p : list) {
                Partial acc = merged.get(p.group);
                if (acc == null) {
                    merged.put(p.group, p);
                } else {
                    add(acc.dk, p.dk, dkPad * s.keyLength());
                    add(acc.dv, p.dv, dvPad * s.keyLength());
                }
            }
        }
        for (Partial p : merged.values()) {
            int b = p.group / s.kvHeads();
            int kh = p.group % s.kvHeads();
            writeKeySide(p.dk, dkPad, cfg.scale(), dk, b, kh, s.keyLength());
            writeKeySide(p.dv, dvPad, 1f, dv, b, kh, s.keyLength());
        }
    }

    /** {@code acc[i] += x[i]} for {@code i < n}: the rows of real keys (the scratch arrays may be longer). */
    private static void add(float[] acc, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += x[i];
        }
    }

    private static void fill(HeadsView view, float value) {
        for (int b = 0; b < view.batch(); b++) {
            for (int h = 0; h < view.heads(); h++) {
                for (int l = 0; l < view.seq(); l++) {
                    for (int c = 0; c < view.dim(); c++) {
                        view.data()[view.index(b, h, l, c)] = value;
                    }
                }
            }
        }
    }

    /** Writes {@code factor · acc} (rows of {@code ld}) into the {@code keys} rows of head {@code kh} of batch {@code b}. */
    static void writeKeySide(float[] acc, int ld, float factor, HeadsView dst, int b, int kh, int keys) {
        float[] out = dst.data();
        int stride = dst.dimStride();
        int dim = dst.dim();
        for (int j = 0; j < keys; j++) {
            int d = dst.index(b, kh, j, 0);
            if (stride == 1 && factor == 1f) {
                System.arraycopy(acc, j * ld, out, d, dim);
                continue;
            }
            for (int c = 0; c < dim; c++) {
                out[d + c * stride] = acc[j * ld + c] * factor;
            }
        }
    }

    /** dK/dV of one key/value head accumulated by one chunk that does not own it alone. */
    private record Partial(int group, float[] dk, float[] dv) {}

    /** The state of one chunk. */
    private static final class Worker extends FlashWorker {
        final HeadsView out, dOut, dq, dk, dv;
        final float[] lse;
        final int dkPad, dvDim, dvPad;
        final float scale;
        final boolean qInPlace, doInPlace;   // read q / dO where they are (rows of whole vectors), else copy
        final float[] qTile;   // (Bq, dkPad): queries (when not read in place)
        final float[] doTile;  // (Bq, dvPad): output gradient (when not read in place)
        final float[] pTile;   // (Bq, BkPad): probabilities
        final float[] pdTile;  // (Bq, BkPad): probabilities after dropout (only with dropout)
        final float[] dpTile;  // (Bq, BkPad): dP, then dS
        final float[] dqAcc;   // (Bq, dkPad)
        final float[] dRow, lseRow;
        final boolean kInPlace; // the keys' rows are whole vectors: dS·K reads them where they are
        final float[] kp;      // (nKb·Bk, dkPad): keys (when not read in place)
        final float[] vt;      // per key block (dv, BkPad): values transposed
        float[] dkAcc;         // (nKb·Bk, dkPad)
        float[] dvAcc;         // (nKb·Bk, dvPad)
        private final FlashScratch scratch;
        private int partials;  // the scratch's partial accumulators this worker has taken

        Worker(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, HeadsView dOut,
               HeadsView dq, HeadsView dk, HeadsView dv, BlockSparsity mask, PartialTiles tiles, AttentionConfig cfg,
               ScoreModification mods, TileOps ops, AttentionShapes s, FlashScratch scratch) {
            super(q, k, v, mask, tiles, cfg, ops, s, mods, true, scratch);
            this.scratch = scratch;
            this.out = out;
            this.lse = lse;
            this.dOut = dOut;
            this.dq = dq;
            this.dk = dk;
            this.dv = dv;
            this.dkPad = ops.pad(keyDim);
            this.dvDim = s.valueDim();
            this.dvPad = ops.pad(dvDim);
            this.scale = cfg.scale();
            this.qInPlace = q.dimStride() == 1 && keyDim == dkPad;
            this.doInPlace = dOut.dimStride() == 1 && dvDim == dvPad;
            // from the thread's scratch (a previous call's values): the tiles and rows are written before they
            // are read; zeroed are the accumulators and what the products read past the copied values (the
            // padding columns of the query and dO tiles and of the packed keys, the padding keys of the
            // transposed values)
            this.qTile = qInPlace ? null : scratch.zeroFloats(FlashScratch.ACC_B, bq * dkPad);
            this.doTile = doInPlace ? null : scratch.zeroFloats(FlashScratch.ACC_C, bq * dvPad);
            this.pTile = scratch.floats(FlashScratch.TILE_A, bq * bkPad);
            this.pdTile = drop != null ? scratch.floats(FlashScratch.TILE_B, bq * bkPad) : null;
            this.dpTile = scratch.floats(FlashScratch.TILE_C, bq * bkPad);
            this.dqAcc = scratch.floats(FlashScratch.ACC_A, bq * dkPad);   // zeroed per query block
            this.dRow = scratch.floats(FlashScratch.ROWS_A, bq);
            this.lseRow = scratch.floats(FlashScratch.ROWS_B, bq);
            this.kInPlace = k.dimStride() == 1 && keyDim == dkPad;
            this.kp = kInPlace ? null : scratch.zeroFloats(FlashScratch.PACK_A, nKb * bk * dkPad);
            this.vt = scratch.zeroFloats(FlashScratch.PACK_B, nKb * dvDim * bkPad);
            this.dkAcc = scratch.zeroPartial(partials++, nKb * bk * dkPad);
            this.dvAcc = scratch.zeroPartial(partials++, nKb * bk * dvPad);
        }

        List<Partial> run(int from, int to, int itemsPerGroup) {
            List<Partial> shared = new ArrayList<>(2);
            int nQb = mask.queryBlocks();
            int item = from;
            while (item < to) {
                int group = item / itemsPerGroup;
                int groupEnd = Math.min(to, (group + 1) * itemsPerGroup);
                int b = group / s.kvHeads();
                int kh = group % s.kvHeads();
                enterGroup(group, b, kh);
                for (; item < groupEnd; item++) {
                    int qb = item % nQb;
                    int h = (item / nQb) % s.heads();
                    queryBlock(b, h, qb);
                    if (mod != null) {
                        mod.foldItem();
                    }
                }
                boolean owned = group * itemsPerGroup >= from && (group + 1) * itemsPerGroup <= to;
                if (owned) {
                    writeKeySide(dkAcc, dkPad, scale, dk, b, kh, s.keyLength());
                    writeKeySide(dvAcc, dvPad, 1f, dv, b, kh, s.keyLength());
                    // only the rows of real keys were written (64 rows held 3-10 keys at the demo's lengths)
                    Arrays.fill(dkAcc, 0, s.keyLength() * dkPad, 0f);
                    Arrays.fill(dvAcc, 0, s.keyLength() * dvPad, 0f);
                } else {
                    shared.add(new Partial(group, dkAcc, dvAcc));
                    dkAcc = scratch.zeroPartial(partials++, nKb * bk * dkPad);
                    dvAcc = scratch.zeroPartial(partials++, nKb * bk * dvPad);
                }
            }
            return shared;
        }

        @Override
        void packKey(int kb, int j, int col) {
            if (!kInPlace) {
                copyRow(k, packB, packKh, j, keyDim, kp, j * dkPad);
            }
            int vsrc = v.index(packB, packKh, j, 0);
            int vBase = kb * dvDim * bkPad + col;
            for (int c = 0; c < dvDim; c++) {
                vt[vBase + c * bkPad] = v.data()[vsrc + c * v.dimStride()];
            }
        }

        /** Row {@code l} of head {@code (b, h)} of {@code from} ({@code n} values) into {@code tile} at {@code at}. */
        private static void copyRow(HeadsView from, int b, int h, int l, int n, float[] tile, int at) {
            int src = from.index(b, h, l, 0);
            int stride = from.dimStride();
            if (stride == 1) {
                System.arraycopy(from.data(), src, tile, at, n);
                return;
            }
            for (int c = 0; c < n; c++) {
                tile[at + c] = from.data()[src + c * stride];
            }
        }

        private void queryBlock(int b, int h, int qb) {
            int q0 = qb * bq;
            int rows = Math.min(bq, s.queryLength() - q0);
            int lseBase = (b * s.heads() + h) * s.queryLength() + q0;
            // 1) q and dO where they are when their rows are whole vectors (they are B operands of the dK
            // and dV products; the keys carry the scale), else copied into tiles; D = rowsum(dO ∘ O) and
            // the rows' log-sum-exp
            float[] qa = qInPlace ? q.data() : qTile;
            int qOff = qInPlace ? q.index(b, h, q0, 0) : 0;
            int qrs = qInPlace ? q.seqStride() : dkPad;
            float[] da = doInPlace ? dOut.data() : doTile;
            int dOff = doInPlace ? dOut.index(b, h, q0, 0) : 0;
            int drs = doInPlace ? dOut.seqStride() : dvPad;
            float[] o = out.data();
            int os = out.dimStride();
            for (int r = 0; r < rows; r++) {
                if (!qInPlace) {
                    copyRow(q, b, h, q0 + r, keyDim, qTile, r * dkPad);
                }
                if (!doInPlace) {
                    copyRow(dOut, b, h, q0 + r, dvDim, doTile, r * dvPad);
                }
                int oi = out.index(b, h, q0 + r, 0);
                int di = dOff + r * drs;
                double d = 0;
                for (int c = 0; c < dvDim; c++) {
                    d += (double) da[di + c] * o[oi + c * os];
                }
                dRow[r] = (float) d;
                lseRow[r] = lse[lseBase + r];
            }
            Arrays.fill(dqAcc, 0, rows * dkPad, 0f);
            // 2) every visited key block: rebuild P, then the five tile products
            int[] blocks = mask.keyBlocks(b, h, qb);
            boolean[][] cached = tiles == null ? null : tiles.of(b, h, qb);
            for (int e = 0; e < blocks.length; e++) {
                int kb = BlockSparsity.block(blocks[e]);
                int k0 = kb * bk;
                int valid = scores(blocks, cached, e, qa, qOff, qrs, 1, pTile, b, h, q0, rows);
                ops.probabilities(pTile, bkPad, rows, bkPad, lseRow);
                float[] pForV = pTile;
                if (drop != null) {
                    dropout(pTile, pdTile, rows, valid, b, h, q0, k0);
                    pForV = pdTile;
                }
                // dV_j += P_dropᵀ · dO
                ops.gemm(valid, dvPad, rows, pForV, 0, 1, bkPad, da, dOff, drs, dvAcc, k0 * dvPad, dvPad, true);
                // dP = dO · V_jᵀ (through the dropout factors)
                ops.gemm(rows, bkPad, dvDim, da, dOff, drs, 1, vt, kb * dvDim * bkPad, bkPad, dpTile, 0, bkPad, false);
                if (drop != null) {
                    dropout(dpTile, dpTile, rows, valid, b, h, q0, k0);
                }
                // dS = P ∘ (dP − D)
                ops.softmaxGrad(pTile, dpTile, bkPad, rows, bkPad, dRow);
                // through the score modifiers: dS = dS' · m'(S), and their parameter gradients
                if (mod != null) {
                    mod.backward(rawTile, dpTile, rows, bkPad, valid, b, h, q0, k0);
                }
                // dQ_i += dS · K_j ;  dK_j += dSᵀ · Q_i (both scaled on write-out)
                if (kInPlace) {
                    ops.gemm(rows, dkPad, valid, dpTile, 0, bkPad, 1, k.data(), k.index(packB, packKh, k0, 0), k.seqStride(),
                            dqAcc, 0, dkPad, true);
                } else {
                    ops.gemm(rows, dkPad, valid, dpTile, 0, bkPad, 1, kp, k0 * dkPad, dkPad, dqAcc, 0, dkPad, true);
                }
                ops.gemm(valid, dkPad, rows, dpTile, 0, 1, bkPad, qa, qOff, qrs, dkAcc, k0 * dkPad, dkPad, true);
            }
            // 3) write dQ rows
            for (int r = 0; r < rows; r++) {
                int dst = dq.index(b, h, q0 + r, 0);
                if (dq.dimStride() == 1) {
                    VecMath.scale(scale, dqAcc, r * dkPad, dq.data(), dst, keyDim);
                } else {
                    for (int c = 0; c < keyDim; c++) {
                        dq.data()[dst + c * dq.dimStride()] = dqAcc[r * dkPad + c] * scale;
                    }
                }
            }
        }
    }
}
