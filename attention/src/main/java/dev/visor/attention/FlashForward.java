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
    /**
     * Whether PARTIAL blocks are computed in strips ({@link FlashWorker#stripPlan}); tests turn it
     * off to compare with the whole-tile path, which must give the same bits.
     */
    static volatile boolean strips = true;

    /**
     * Whether two neighbouring query blocks of one {@code (b, h)} with the same visited key blocks,
     * all FULL, run as one pass of {@code 2·Bq} rows ({@link Worker#pairs}); tests turn it off to
     * compare, which must give the same bits.
     */
    static volatile boolean pairs = true;

    /** Query blocks per pass when paired: each packed key and value block then serves 128 rows, not 64. */
    static final int PAIR = 2;

    /** Paired passes run so far (tests check that pairing happened). */
    static final java.util.concurrent.atomic.AtomicLong pairedPasses = new java.util.concurrent.atomic.AtomicLong();

    private FlashForward() {}

    /** Runs the forward pass, writing {@code out}; returns the log-sum-exp, {@code (B, H, Lq)}. */
    static float[] run(HeadsView q, HeadsView k, HeadsView v, HeadsView out, BlockSparsity mask,
                       AttentionConfig cfg, ScoreModification mods, TileOps ops, int chunks) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        float[] lse = new float[s.batch() * s.heads() * s.queryLength()];
        long perBlock = (long) mask.queryBlockSize() * mask.keyBlockSize() * 2L * (s.keyDim() + s.valueDim());
        int[] bounds = FlashWorker.plan(mask, s, perBlock, chunks);
        PartialTiles tiles = PartialTiles.forCall(mask, FlashWorker.tileWidth(mask, ops));
        WorkSplit.run(bounds, () -> new Worker(q, k, v, out, lse, mask, tiles, cfg, mods, ops, s),
                (worker, chunk, from, to) -> worker.run(from, to));
        return lse;
    }

    /** The state of one chunk. */
    private static final class Worker extends FlashWorker {
        final HeadsView out;
        final float[] lse;
        final int dv, dvPad;
        final float[] sTile;   // (Bq, BkPad): scores, then probabilities
        final float[] oAcc;    // (Bq, dvPad): unnormalised output
        final float[] m, alpha, rowScratch;
        final float[] l;       // (Bq, lanes): per-lane running sums (TileOps.softmaxStep)
        final boolean vInPlace; // the values' rows are whole vectors: P·V reads them where they are
        final float[] vp;      // (nKb·Bk, dvPad): values, row-major, zero-padded (when not read in place)
        final int[] plan;      // a PARTIAL block's strips (FlashWorker.stripPlan), or null when strips are off
        final int[] extents;   // (Bq, 2): row extents of a PARTIAL block evaluated on the fly
        final boolean pairing;  // this pass pairs query blocks ({@link #pairs}): no dropout, no modifiers

        Worker(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, BlockSparsity mask,
               PartialTiles tiles, AttentionConfig cfg, ScoreModification mods, TileOps ops, AttentionShapes s) {
            super(q, k, v, mask, tiles, cfg, ops, s, mods, false);
            this.out = out;
            this.lse = lse;
            this.dv = s.valueDim();
            this.dvPad = ops.pad(dv);
            this.pairing = pairs && drop == null && mod == null && mask.queryBlocks() > 1;
            int rowsMax = pairing ? PAIR * bq : bq;
            this.sTile = new float[rowsMax * bkPad];
            this.oAcc = new float[rowsMax * dvPad];
            this.m = new float[rowsMax];
            this.l = new float[rowsMax * ops.lanes()];
            this.alpha = new float[rowsMax];
            this.rowScratch = new float[rowsMax];
            this.vInPlace = v.dimStride() == 1 && dv == dvPad;
            this.vp = vInPlace ? null : new float[nKb * bk * dvPad];
            this.plan = strips ? new int[4 * ((bq + STRIP_ROWS - 1) / STRIP_ROWS)] : null;
            this.extents = strips && tiles == null ? new int[2 * bq] : null;
        }

        void run(int from, int to) {
            int nQb = mask.queryBlocks();
            for (int item = from; item < to; item++) {
                int qb = item % nQb;
                int bh = item / nQb;
                int b = bh / s.heads();
                int h = bh % s.heads();
                int kh = h / s.group();
                enterGroup(b * s.kvHeads() + kh, b, kh);
                if (item + 1 < to && pairs(b, h, qb)) {
                    pairedPasses.incrementAndGet();
                    queryBlock(b, h, qb, PAIR * bq);
                    item++;
                } else {
                    queryBlock(b, h, qb, bq);
                }
            }
        }

        /**
         * Whether query blocks {@code qb} and {@code qb + 1} can run as one pass of {@code 2·Bq} rows:
         * both whole, visiting the same key blocks, all FULL (no predicate tile, no strips). Every row
         * is then computed exactly as in a pass of its own block (the tile kernels take rows in
         * fours, and Bq is a multiple of four), so the bits are the same; each packed key block and
         * value block serves twice the rows while it is in L1, and the per-tile costs (a product's
         * set-up, the softmax step's per-call work) are paid once for both. At 512 bits the
         * {@code full} forward was about 2 % faster per CPU-second in one JVM, blocks 128 × 64 against
         * 64 × 64 (benchmarks/JOURNAL.md, flash8).
         */
        private boolean pairs(int b, int h, int qb) {
            if (!pairing || qb + 1 >= mask.queryBlocks() || (qb + 2) * bq > s.queryLength() || bq % 4 != 0) {
                return false;
            }
            int[] first = mask.keyBlocks(b, h, qb);
            int[] second = mask.keyBlocks(b, h, qb + 1);
            if (!Arrays.equals(first, second)) {
                return false;
            }
            for (int entry : first) {
                if (BlockSparsity.isPartial(entry)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void packKey(int kb, int j, int col) {
            if (vInPlace) {
                return;
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

        /**
         * {@code O[r0, r1) = diag(alpha)·O + P[r0, r1)·V} over the probabilities' columns
         * {@code [c0, c1)} (keys {@code k0 + c0 …} of the block): the rescaling rides on the
         * product's loads of O.
         */
        private void valueProduct(int b, int h, int k0, int r0, int r1, int c0, int c1) {
            int rows = r1 - r0;
            if (vInPlace) {
                ops.gemmRescaled(rows, dvPad, c1 - c0, sTile, r0 * bkPad + c0, bkPad, v.data(),
                        v.index(b, h / s.group(), k0 + c0, 0), v.seqStride(), oAcc, r0 * dvPad, dvPad, alpha, r0);
            } else {
                ops.gemmRescaled(rows, dvPad, c1 - c0, sTile, r0 * bkPad + c0, bkPad, vp, (k0 + c0) * dvPad, dvPad,
                        oAcc, r0 * dvPad, dvPad, alpha, r0);
            }
        }

        /**
         * PARTIAL block {@code blocks[e]} in strips ({@link FlashWorker#stripPlan}): each strip's
         * scores, mask, softmax step and value product over its own rows and columns only, the same
         * bits as the whole tile (what is left out is −∞ there, P = 0; rows with nothing allowed keep
         * m, l and O, as a step over −∞ leaves them). Returns false, having done nothing, when the plan
         * is the whole tile.
         */
        private boolean strips(int[] blocks, boolean[][] cached, int[][] spans, int e, int qOff, int b, int h,
                               int q0, int rows, int k0) {
            int kb = BlockSparsity.block(blocks[e]);
            int valid = Math.min(bk, s.keyLength() - k0);
            boolean[] allowed = allowedTile(cached == null ? null : cached[e], b, h, q0, rows, k0, valid);
            int[] rowSpans = spans != null ? spans[e] : rowExtents(allowed, rows, bkPad, extents);
            int n = stripPlan(rowSpans, rows, ops.lanes(), bkPad, plan);
            if (n < 0) {
                return false;
            }
            packBlock(kb);
            float[] qa = q.data();
            for (int i = 0; i < n; i++) {
                int r0 = plan[4 * i], r1 = plan[4 * i + 1], c0 = plan[4 * i + 2], c1 = plan[4 * i + 3];
                ops.gemm(r1 - r0, c1 - c0, keyDim, qa, qOff + r0 * q.seqStride(), q.seqStride(), q.dimStride(),
                        kt, kb * keyDim * bkPad + c0, bkPad, sTile, r0 * bkPad + c0, bkPad, false);
            }
            if (mod != null) {
                // over the whole tile, as the plain path: what lies outside the strips is never read
                mod.forward(sTile, rows, bkPad, valid, b, h, q0, k0);
            }
            for (int i = 0; i < n; i++) {
                int r0 = plan[4 * i], r1 = plan[4 * i + 1], c0 = plan[4 * i + 2], c1 = plan[4 * i + 3];
                ops.applyMask(sTile, r0 * bkPad + c0, bkPad, r1 - r0, c1 - c0, allowed, r0 * bkPad + c0, bkPad);
                ops.softmaxStep(sTile, r0 * bkPad + c0, bkPad, r1 - r0, c1 - c0, m, l, alpha, r0, rowScratch);
            }
            if (drop != null) {
                dropout(sTile, sTile, rows, valid, b, h, q0, k0);
            }
            for (int i = 0; i < n; i++) {
                // the columns past the last key are padding (P = 0), and there are no values to read
                valueProduct(b, h, k0, plan[4 * i], plan[4 * i + 1], plan[4 * i + 2], Math.min(valid, plan[4 * i + 3]));
            }
            return true;
        }

        /** Query block {@code qb}, or with {@code span = 2·Bq} it and the next ({@link #pairs}). */
        private void queryBlock(int b, int h, int qb, int span) {
            int q0 = qb * bq;
            int rows = Math.min(span, s.queryLength() - q0);
            int[] blocks = mask.keyBlocks(b, h, qb);
            // 1) the queries are read in place (the keys carry the scale)
            int qOff = q.index(b, h, q0, 0);
            Arrays.fill(m, Float.NEGATIVE_INFINITY);
            Arrays.fill(l, 0f);
            Arrays.fill(oAcc, 0, rows * dvPad, 0f);
            // 2) stream over the visited key blocks
            boolean[][] cached = tiles == null ? null : tiles.of(b, h, qb);
            int[][] spans = tiles == null || plan == null ? null : tiles.extentsOf(b, h, qb);
            for (int e = 0; e < blocks.length; e++) {
                int k0 = BlockSparsity.block(blocks[e]) * bk;
                if (plan != null && BlockSparsity.isPartial(blocks[e])
                        && strips(blocks, cached, spans, e, qOff, b, h, q0, rows, k0)) {
                    continue;
                }
                int valid = scores(blocks, cached, e, q.data(), qOff, q.seqStride(), q.dimStride(), sTile, b, h, q0, rows);
                ops.softmaxStep(sTile, bkPad, rows, bkPad, m, l, alpha, rowScratch);
                if (drop != null) {
                    dropout(sTile, sTile, rows, valid, b, h, q0, k0);
                }
                // O = diag(alpha)·O + P·V: the rescaling rides on the product's loads of O
                valueProduct(b, h, k0, 0, rows, 0, valid);
            }
            // 3) normalise and write output and log-sum-exp
            int lseBase = (b * s.heads() + h) * s.queryLength() + q0;
            for (int r = 0; r < rows; r++) {
                int dst = out.index(b, h, q0 + r, 0);
                float lr = ops.rowTotal(l, r);
                if (lr == 0f) {
                    for (int c = 0; c < dv; c++) {
                        out.data()[dst + c * out.dimStride()] = 0f;
                    }
                    lse[lseBase + r] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                float inv = 1f / lr;
                if (out.dimStride() == 1) {
                    VecMath.scale(inv, oAcc, r * dvPad, out.data(), dst, dv);
                } else {
                    for (int c = 0; c < dv; c++) {
                        out.data()[dst + c * out.dimStride()] = oAcc[r * dvPad + c] * inv;
                    }
                }
                lse[lseBase + r] = (float) (m[r] + Math.log(lr));
            }
        }
    }
}
