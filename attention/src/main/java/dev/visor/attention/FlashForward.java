package dev.visor.attention;

import dev.visor.tensor.kernel.VecMath;
import java.util.Arrays;

/**
 * The tiled online-softmax forward pass (FlashAttention-2 schedule, Dao 2023): for each
 * (batch, head, query block) it streams over the non-EMPTY key blocks only, keeping per row the
 * running maximum {@code m}, the running normaliser {@code l} and an unnormalised output
 * accumulator; see {@link FlashAttention} for the recurrences. Work items are
 * {@code (b, h, queryBlock)} in that order, split into cost-balanced chunks that free threads take
 * in turn; each thread owns its scratch tiles and the packed key blocks of the key/value head it is
 * on (copied on first visit).
 */
final class FlashForward {
    private FlashForward() {}

    /** Runs the forward pass, writing {@code out}; returns the log-sum-exp, {@code (B, H, Lq)}. */
    static float[] run(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                       AttentionConfig cfg, TileOps ops, int chunks) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        int nQb = mask.queryBlocks();
        int items = s.batch() * s.heads() * nQb;
        float[] lse = new float[s.batch() * s.heads() * s.queryLength()];
        long perBlock = (long) mask.queryBlockSize() * mask.keyBlockSize() * 2L * (s.keyDim() + s.valueDim());
        if (chunks <= 0) {
            long flop = 0;
            for (int i = 0; i < items; i++) {
                flop += blocksOf(mask, s, nQb, i).length * perBlock;
            }
            chunks = WorkSplit.chunksFor(flop);
        }
        int[] bounds = WorkSplit.split(items, chunks, i -> blocksOf(mask, s, nQb, i).length + 1L);
        PartialTiles tiles = PartialTiles.forCall(mask, ops.pad(mask.keyBlockSize()));
        WorkSplit.run(bounds, () -> new Worker(q, k, v, out, lse, mask, tiles, cfg, ops, s),
                (worker, chunk, from, to) -> worker.run(from, to));
        return lse;
    }

    /** {@code dst[dOff + c] = alpha · src[sOff + c·stride]} for {@code c < n}: a strided row into a tile. */
    static void scaledCopy(float alpha, float[] src, int sOff, int stride, float[] dst, int dOff, int n) {
        if (stride == 1) {
            VecMath.scale(alpha, src, sOff, dst, dOff, n);
        } else {
            for (int c = 0; c < n; c++) {
                dst[dOff + c] = src[sOff + c * stride] * alpha;
            }
        }
    }

    /**
     * Masks a freshly computed score tile ({@code rows × bkPad}): inside a PARTIAL block every
     * element the predicate rejects becomes −∞ (from {@code cached}, or evaluated into
     * {@code scratch}); columns past the last key become −∞ in every block.
     */
    static void maskScores(TileOps ops, float[] sTile, int bkPad, int rows, int valid, boolean partial, boolean[] cached,
                           BlockSparsity mask, int b, int h, int q0, int k0, boolean[] scratch) {
        if (partial) {
            boolean[] allowed = cached;
            if (allowed == null) {
                mask.fillTile(b, h, q0, rows, k0, valid, scratch, bkPad);
                if (valid < bkPad) {
                    for (int r = 0; r < rows; r++) {
                        Arrays.fill(scratch, r * bkPad + valid, (r + 1) * bkPad, false);
                    }
                }
                allowed = scratch;
            }
            ops.applyMask(sTile, bkPad, rows, bkPad, allowed, bkPad);
        } else if (valid < bkPad) {
            for (int r = 0; r < rows; r++) {
                Arrays.fill(sTile, r * bkPad + valid, (r + 1) * bkPad, Float.NEGATIVE_INFINITY);
            }
        }
    }

    static int[] blocksOf(BlockSparsity mask, AttentionShapes s, int nQb, int item) {
        int qb = item % nQb;
        int bh = item / nQb;
        return mask.keyBlocks(bh / s.heads(), bh % s.heads(), qb);
    }

    /** The state of one chunk. */
    private static final class Worker {
        final HeadsView q, k, v, out;
        final float[] lse;
        final BlockSparsity mask;
        final PartialTiles tiles;
        final boolean[] scratch;   // (Bq, BkPad): predicate of a PARTIAL block when not cached
        final TileOps ops;
        final AttentionShapes s;
        final DropoutMask drop;
        final int bq, bk, bkPad, dk, dv, dvPad, nKb;
        final float qScale;
        final float[] qTile;   // (Bq, dk), pre-scaled by scale
        final float[] sTile;   // (Bq, BkPad): scores, then probabilities
        final float[] oAcc;    // (Bq, dvPad): unnormalised output
        final float[] m, l, alpha, rowScratch;
        final float[] kt;      // per key block (dk, BkPad): keys transposed
        final float[] vp;      // (nKb·Bk, dvPad): values, row-major, zero-padded
        final int[] blockStamp;   // per key block: the packStamp it was copied under
        int packedGroup = -1;
        int packStamp;
        int packB;
        int packKh;

        Worker(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, BlockSparsity mask,
               PartialTiles tiles, AttentionConfig cfg, TileOps ops, AttentionShapes s) {
            this.tiles = tiles;
            this.q = q;
            this.k = k;
            this.v = v;
            this.out = out;
            this.lse = lse;
            this.mask = mask;
            this.ops = ops;
            this.s = s;
            this.drop = cfg.hasDropout() ? new DropoutMask(cfg, s.heads(), s.queryLength(), s.keyLength()) : null;
            this.bq = mask.queryBlockSize();
            this.bk = mask.keyBlockSize();
            this.bkPad = ops.pad(bk);
            this.dk = s.keyDim();
            this.dv = s.valueDim();
            this.dvPad = ops.pad(dv);
            this.nKb = mask.keyBlockCount();
            this.qScale = cfg.scale();
            this.qTile = new float[bq * dk];
            this.sTile = new float[bq * bkPad];
            this.oAcc = new float[bq * dvPad];
            this.m = new float[bq];
            this.l = new float[bq];
            this.alpha = new float[bq];
            this.rowScratch = new float[bq];
            this.kt = new float[nKb * dk * bkPad];
            this.vp = new float[nKb * bk * dvPad];
            this.scratch = tiles == null ? new boolean[bq * bkPad] : null;
            this.blockStamp = new int[nKb];
        }

        void run(int from, int to) {
            int nQb = mask.queryBlocks();
            for (int item = from; item < to; item++) {
                int qb = item % nQb;
                int bh = item / nQb;
                int b = bh / s.heads();
                int h = bh % s.heads();
                int kh = h / s.group();
                int group = b * s.kvHeads() + kh;
                if (group != packedGroup) {
                    packedGroup = group;
                    packStamp++;
                    packB = b;
                    packKh = kh;
                }
                queryBlock(b, h, qb);
            }
        }

        /**
         * Copies key block {@code kb} of the current key/value head into the kernel's layouts, the
         * first time a query block of this head visits it (blocks no query visits are never copied).
         */
        private void packBlock(int kb) {
            if (blockStamp[kb] == packStamp) {
                return;
            }
            blockStamp[kb] = packStamp;
            int k0 = kb * bk;
            int k1 = Math.min(k0 + bk, s.keyLength());
            for (int j = k0; j < k1; j++) {
                int base = kb * dk * bkPad + (j - k0);
                int src = k.index(packB, packKh, j, 0);
                for (int c = 0; c < dk; c++) {
                    kt[base + c * bkPad] = k.data()[src + c * k.dimStride()];
                }
                int vsrc = v.index(packB, packKh, j, 0);
                if (v.dimStride() == 1) {
                    System.arraycopy(v.data(), vsrc, vp, j * dvPad, dv);
                } else {
                    for (int c = 0; c < dv; c++) {
                        vp[j * dvPad + c] = v.data()[vsrc + c * v.dimStride()];
                    }
                }
            }
        }

        private void queryBlock(int b, int h, int qb) {
            int q0 = qb * bq;
            int rows = Math.min(bq, s.queryLength() - q0);
            int[] blocks = mask.keyBlocks(b, h, qb);
            // 1) load the query tile, pre-scaled so the tile product gives scale·q·k
            for (int r = 0; r < rows; r++) {
                scaledCopy(qScale, q.data(), q.index(b, h, q0 + r, 0), q.dimStride(), qTile, r * dk, dk);
            }
            Arrays.fill(m, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0f);
            Arrays.fill(oAcc, 0, rows * dvPad, 0f);
            // 2) stream over the visited key blocks
            boolean[][] cached = tiles == null ? null : tiles.of(b, h, qb);
            for (int e = 0; e < blocks.length; e++) {
                int entry = blocks[e];
                int kb = BlockSparsity.block(entry);
                int k0 = kb * bk;
                int valid = Math.min(bk, s.keyLength() - k0);
                packBlock(kb);
                ops.gemm(rows, bkPad, dk, qTile, 0, dk, 1, kt, kb * dk * bkPad, bkPad, sTile, 0, bkPad, false);
                maskScores(ops, sTile, bkPad, rows, valid, BlockSparsity.isPartial(entry),
                        cached == null ? null : cached[e], mask, b, h, q0, k0, scratch);
                ops.softmaxStep(sTile, bkPad, rows, bkPad, m, l, alpha, rowScratch);
                ops.scaleRows(oAcc, dvPad, rows, dvPad, alpha);
                if (drop != null) {
                    for (int r = 0; r < rows; r++) {
                        int base = r * bkPad;
                        for (int j = 0; j < valid; j++) {
                            sTile[base + j] *= drop.factor(b, h, q0 + r, k0 + j);
                        }
                    }
                }
                ops.gemm(rows, dvPad, valid, sTile, 0, bkPad, 1, vp, k0 * dvPad, dvPad, oAcc, 0, dvPad, true);
            }
            // 3) normalise and write output and log-sum-exp
            int lseBase = (b * s.heads() + h) * s.queryLength() + q0;
            for (int r = 0; r < rows; r++) {
                int dst = out.index(b, h, q0 + r, 0);
                if (l[r] == 0f) {
                    for (int c = 0; c < dv; c++) {
                        out.data()[dst + c * out.dimStride()] = 0f;
                    }
                    lse[lseBase + r] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                float inv = 1f / l[r];
                if (out.dimStride() == 1) {
                    VecMath.scale(inv, oAcc, r * dvPad, out.data(), dst, dv);
                } else {
                    for (int c = 0; c < dv; c++) {
                        out.data()[dst + c * out.dimStride()] = oAcc[r * dvPad + c] * inv;
                    }
                }
                lse[lseBase + r] = (float) (m[r] + Math.log(l[r]));
            }
        }
    }
}
