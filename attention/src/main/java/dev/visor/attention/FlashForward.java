package dev.visor.attention;

import dev.visor.tensor.StepBuffers;
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
     * Whether two neighbouring query blocks of one {@code (b, h)} run the FULL key blocks they both
     * visit first as one pass of {@code 2·Bq} rows ({@link Worker#sharedPrefix}); tests turn it off
     * to compare, which must give the same bits.
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
        float[] lse = StepBuffers.floats(s.batch() * s.heads() * s.queryLength());   // every row's written (finish)
        long perBlock = (long) mask.queryBlockSize() * mask.keyBlockSize() * 2L * (s.keyDim() + s.valueDim());
        int[] bounds = FlashWorker.plan(mask, s, perBlock, chunks);
        PartialTiles tiles = PartialTiles.forCall(mask, FlashWorker.tileWidth(mask, ops));
        try (FlashScratch.Lease lease = FlashScratch.lease()) {
            WorkSplit.run(bounds, () -> new Worker(q, k, v, out, lse, mask, tiles, cfg, mods, ops, s, lease.take()),
                    (worker, chunk, from, to) -> worker.run(from, to));
        }
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
        final boolean pairing;  // this pass pairs query blocks ({@link #sharedPrefix}): not with dropout
        final int rowsMax;     // the rows of a pass: 2·Bq when pairing, else Bq
        int base;              // the row of m, l, alpha and oAcc where the current tile's row 0 goes

        Worker(HeadsView q, HeadsView k, HeadsView v, HeadsView out, float[] lse, BlockSparsity mask,
               PartialTiles tiles, AttentionConfig cfg, ScoreModification mods, TileOps ops, AttentionShapes s,
               FlashScratch scratch) {
            super(q, k, v, mask, tiles, cfg, ops, s, mods, false, scratch);
            this.out = out;
            this.lse = lse;
            this.dv = s.valueDim();
            this.dvPad = ops.pad(dv);
            // (the modifiers work row by row on any tile height; dropout's keep bits are sized for one block)
            this.pairing = pairs && drop == null && mask.queryBlocks() > 1;
            this.rowsMax = pairing ? PAIR * bq : bq;
            // from the thread's scratch: every element read is written first (oAcc, m and l per query block),
            // but the values' padding columns, which the value products read: zero
            this.sTile = scratch.floats(FlashScratch.TILE_A, rowsMax * bkPad);
            this.oAcc = scratch.floats(FlashScratch.ACC_A, rowsMax * dvPad);
            this.m = scratch.floats(FlashScratch.ROWS_A, rowsMax);
            this.l = scratch.floats(FlashScratch.ROWS_B, rowsMax * ops.lanes());
            this.alpha = scratch.floats(FlashScratch.ROWS_C, rowsMax);
            this.rowScratch = scratch.floats(FlashScratch.ROWS_D, rowsMax);
            this.vInPlace = v.dimStride() == 1 && dv == dvPad;
            this.vp = vInPlace ? null : scratch.zeroFloats(FlashScratch.PACK_A, nKb * bk * dvPad);
            this.plan = strips ? scratch.zeroInts(FlashScratch.PLAN, 4 * ((bq + STRIP_ROWS - 1) / STRIP_ROWS)) : null;
            this.extents = strips && tiles == null ? scratch.zeroInts(FlashScratch.EXTENTS, 2 * bq) : null;
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
                int shared = item + 1 < to ? sharedPrefix(b, h, qb) : 0;
                if (shared > 0) {
                    pairedPasses.incrementAndGet();
                    queryBlocks(b, h, qb, shared);
                    item++;
                } else {
                    queryBlocks(b, h, qb, 0);
                }
            }
        }

        /**
         * How many FULL key blocks query blocks {@code qb} and {@code qb + 1} both visit first (the
         * same leading entries of their lists), 0 when they are not to be paired. Those blocks run as
         * one pass of {@code 2·Bq} rows; the rest of each list then runs over its own rows. Every row
         * still visits its key blocks in its list's order and every tile row is computed as in a pass
         * of its own block (every tile kernel sums each element in the same order, whichever rows it
         * is grouped with), so the bits are the same. Each packed key block and value block then serves twice the rows while it
         * is in L1, and the per-tile costs (a product's set-up, the softmax step's per-call work) are
         * paid once for both: at 512 bits the {@code full} forward, blocks 128 × 64 against 64 × 64,
         * was 2–3 % faster per CPU-second in one JVM (benchmarks/JOURNAL.md, flash8). For causal
         * every block left of the diagonal is shared by the pair.
         */
        private int sharedPrefix(int b, int h, int qb) {
            if (!pairing || qb + 1 >= mask.queryBlocks() || bq % 4 != 0) {
                return 0;
            }
            int[] first = mask.keyBlocks(b, h, qb);
            int[] second = mask.keyBlocks(b, h, qb + 1);
            int n = 0;
            while (n < first.length && n < second.length && first[n] == second[n]
                    && !BlockSparsity.isPartial(first[n])) {
                n++;
            }
            return n;
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
         * {@code O[base + r0, base + r1) = diag(alpha)·O + P[r0, r1)·V} over the probabilities' columns
         * {@code [c0, c1)} (keys {@code k0 + c0 …} of the block): the rescaling rides on the
         * product's loads of O.
         */
        private void valueProduct(int b, int h, int k0, int r0, int r1, int c0, int c1) {
            int rows = r1 - r0;
            if (vInPlace) {
                ops.gemmRescaled(rows, dvPad, c1 - c0, sTile, r0 * bkPad + c0, bkPad, v.data(),
                        v.index(b, h / s.group(), k0 + c0, 0), v.seqStride(), oAcc, (base + r0) * dvPad, dvPad, alpha,
                        base + r0);
            } else {
                ops.gemmRescaled(rows, dvPad, c1 - c0, sTile, r0 * bkPad + c0, bkPad, vp, (k0 + c0) * dvPad, dvPad,
                        oAcc, (base + r0) * dvPad, dvPad, alpha, base + r0);
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
                ops.softmaxStep(sTile, r0 * bkPad + c0, bkPad, r1 - r0, c1 - c0, m, l, alpha, base + r0, rowScratch);
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

        /**
         * Query block {@code qb}, or when {@code shared > 0} it and the next: their first
         * {@code shared} key blocks as one pass over both blocks' rows, then the rest of each list over
         * its own rows ({@link #sharedPrefix}).
         */
        private void queryBlocks(int b, int h, int qb, int shared) {
            int q0 = qb * bq;
            int first = Math.min(bq, s.queryLength() - q0);
            int rows = shared > 0 ? first + Math.min(bq, s.queryLength() - q0 - bq) : first;
            Arrays.fill(m, 0, rowsMax, Float.NEGATIVE_INFINITY);   // (the scratch arrays may be longer)
            Arrays.fill(l, 0, rowsMax * ops.lanes(), 0f);
            Arrays.fill(oAcc, 0, rows * dvPad, 0f);
            base = 0;
            int[] blocks = mask.keyBlocks(b, h, qb);
            for (int e = 0; e < shared; e++) {
                visit(blocks, null, null, e, b, h, q0, rows);
            }
            rest(b, h, qb, shared, first);
            if (shared > 0) {
                base = bq;
                rest(b, h, qb + 1, shared, rows - first);
                base = 0;
            }
            finish(b, h, q0, rows);
        }

        /**
         * Key blocks {@code from …} of query block {@code qb}'s list over its {@code rows} rows, their
         * state at row {@link #base}.
         */
        private void rest(int b, int h, int qb, int from, int rows) {
            int[] blocks = mask.keyBlocks(b, h, qb);
            boolean[][] cached = tiles == null ? null : tiles.of(b, h, qb);
            int[][] spans = tiles == null || plan == null ? null : tiles.extentsOf(b, h, qb);
            for (int e = from; e < blocks.length; e++) {
                visit(blocks, cached, spans, e, b, h, qb * bq, rows);
            }
        }

        /**
         * One visited key block {@code blocks[e]} for {@code rows} queries from {@code q0} (the
         * queries are read in place; the keys carry the scale), their state at row {@link #base}.
         */
        private void visit(int[] blocks, boolean[][] cached, int[][] spans, int e, int b, int h, int q0, int rows) {
            int qOff = q.index(b, h, q0, 0);
            int k0 = BlockSparsity.block(blocks[e]) * bk;
            if (plan != null && BlockSparsity.isPartial(blocks[e])
                    && strips(blocks, cached, spans, e, qOff, b, h, q0, rows, k0)) {
                return;
            }
            int valid = scores(blocks, cached, e, q.data(), qOff, q.seqStride(), q.dimStride(), sTile, b, h, q0, rows);
            ops.softmaxStep(sTile, 0, bkPad, rows, bkPad, m, l, alpha, base, rowScratch);
            if (drop != null) {
                dropout(sTile, sTile, rows, valid, b, h, q0, k0);
            }
            // O = diag(alpha)·O + P·V: the rescaling rides on the product's loads of O
            valueProduct(b, h, k0, 0, rows, 0, valid);
        }

        /** Normalises {@code rows} rows from query {@code q0} and writes the output and log-sum-exp. */
        private void finish(int b, int h, int q0, int rows) {
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
