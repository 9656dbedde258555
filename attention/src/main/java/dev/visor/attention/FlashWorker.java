package dev.visor.attention;

import java.util.Arrays;

/**
 * What one chunk of the forward pass ({@link FlashForward}) and one of the backward pass
 * ({@link FlashBackward}) have in common: the chunk plan, the key blocks packed on first visit per
 * key/value head, and the score tile of a visited block, {@code S = (scale · Q_i) · K_jᵀ} with the
 * score modifiers and the mask applied, which both passes compute the same way (the backward pass
 * rebuilds the forward's probabilities from it).
 *
 * <p>Keys are packed transposed and multiplied by the softmax scale, {@code (keyDim, BkPad)} per key
 * block, into {@link #kt}; a pass that needs more of the block (the values, the keys row-major) copies
 * it in {@link #packKey}. The scale rides on the keys, not on the queries: the score products then read
 * the queries in place (any strides) instead of copying and scaling every query row of every
 * {@code (batch, head)} into a tile, which at 3–10 tokens cost about as much as the products. For a
 * power-of-two scale ({@code 1/√headDim} at head widths 4, 16, 64, 256) {@code q·(scale·k)} has the
 * same bits as {@code (scale·q)·k}; for others it may differ in the last place.
 */
abstract class FlashWorker {
    final HeadsView q, k, v;
    final BlockSparsity mask;
    final PartialTiles tiles;
    final boolean[] scratch;   // (Bq, BkPad): predicate of a PARTIAL block when not cached
    final TileOps ops;
    final AttentionShapes s;
    final DropoutMask drop;
    final int bq, bk, bkPad, keyDim, nKb;
    final float qScale;
    final float[] kt;          // per key block (keyDim, BkPad): keys transposed, times the scale
    final TileModifier mod;    // the score modifiers, or null
    final float[] rawTile;     // (Bq, BkPad): scores before the modifiers (backward with modifiers only)
    private final int[] blockStamp;   // per key block: the packStamp it was copied under
    private int packedGroup = -1;
    private int packStamp;
    int packB;
    int packKh;

    /**
     * A worker whose arrays come from {@code scratch} ({@link FlashScratch}: their contents are a previous
     * call's, so everything read before it is written is zeroed here).
     */
    FlashWorker(HeadsView q, HeadsView k, HeadsView v, BlockSparsity mask, PartialTiles tiles, AttentionConfig cfg,
                TileOps ops, AttentionShapes s, ScoreModification mods, boolean keepRaw, FlashScratch scratch) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.mask = mask;
        this.tiles = tiles;
        this.ops = ops;
        this.s = s;
        this.drop = cfg.hasDropout() ? new DropoutMask(cfg, s.heads(), s.queryLength(), s.keyLength(), ops, scratch) : null;
        this.bq = mask.queryBlockSize();
        this.bk = mask.keyBlockSize();
        this.bkPad = tileWidth(mask, ops);
        this.keyDim = s.keyDim();
        this.nKb = mask.keyBlockCount();
        this.qScale = cfg.scale();
        // the padding columns of the last key block are read by the score products (then masked): zero
        this.kt = scratch.zeroFloats(FlashScratch.KT, nKb * keyDim * bkPad);
        this.scratch = tiles == null ? scratch.bools(bq * bkPad) : null;
        this.blockStamp = scratch.zeroInts(FlashScratch.STAMPS, nKb);   // 0: no block packed (packStamp starts at 1)
        this.mod = TileModifier.of(mods, ops, bq * bkPad, keepRaw);
        this.rawTile = keepRaw && mod != null && mod.needsRaw() ? scratch.floats(FlashScratch.RAW, bq * bkPad) : null;
    }

    /**
     * The column count of a score tile: the key block padded to whole vectors, or when every key
     * fits in one block, the key length padded. At the demo's lengths (3–10 keys, 64-wide blocks)
     * the 64-wide tile made the score products, the softmax and the masking 4–6× wider than the
     * keys; the columns past the last key are −∞ (probability 0) either way.
     */
    static int tileWidth(BlockSparsity mask, TileOps ops) {
        return ops.pad(Math.min(mask.keyBlockSize(), mask.keyLength()));
    }

    /**
     * The chunks of a pass over every {@code (b, h, queryBlock)} item, balanced by visited blocks:
     * {@code chunks} of them, or when {@code chunks ≤ 0} as many as the pass's FLOP warrant at
     * {@code perBlock} FLOP per visited tile. Returns the chunk bounds (chunk c is items
     * {@code [bounds[c], bounds[c + 1])}).
     */
    static int[] plan(BlockSparsity mask, AttentionShapes s, long perBlock, int chunks) {
        int nQb = mask.queryBlocks();
        int items = s.batch() * s.heads() * nQb;
        if (chunks <= 0) {
            long flop = 0;
            for (int i = 0; i < items; i++) {
                flop += blocksOf(mask, s, nQb, i).length * perBlock;
            }
            chunks = WorkSplit.chunksFor(flop);
        }
        return WorkSplit.split(items, chunks, i -> blocksOf(mask, s, nQb, i).length + 1L);
    }

    static int[] blocksOf(BlockSparsity mask, AttentionShapes s, int nQb, int item) {
        int qb = item % nQb;
        int bh = item / nQb;
        return mask.keyBlocks(bh / s.heads(), bh % s.heads(), qb);
    }

    /**
     * Moves to key/value head {@code kh} of batch {@code b} ({@code group = b · kvHeads + kh}): the
     * blocks packed for another head become stale.
     */
    final void enterGroup(int group, int b, int kh) {
        if (group != packedGroup) {
            packedGroup = group;
            packStamp++;
            packB = b;
            packKh = kh;
        }
    }

    /**
     * Copies key block {@code kb} of the current key/value head into the kernel's layouts, the first
     * time a query block of this head visits it (blocks no query visits are never copied).
     */
    final void packBlock(int kb) {
        if (blockStamp[kb] == packStamp) {
            return;
        }
        blockStamp[kb] = packStamp;
        int k0 = kb * bk;
        int k1 = Math.min(k0 + bk, s.keyLength());
        float[] kd = k.data();
        int ks = k.dimStride();
        float scale = qScale;
        for (int j = k0; j < k1; j++) {
            int base = kb * keyDim * bkPad + (j - k0);
            int src = k.index(packB, packKh, j, 0);
            for (int c = 0; c < keyDim; c++) {
                kt[base + c * bkPad] = kd[src + c * ks] * scale;
            }
            packKey(kb, j, j - k0);
        }
    }

    /** Copies what else this pass needs of key {@code j} (column {@code col} of block {@code kb}). */
    abstract void packKey(int kb, int j, int col);

    /**
     * The score tile of visited block {@code blocks[e]} for {@code rows} queries from {@code q0}:
     * {@code sTile = Q · (scale · K_j)ᵀ}, query {@code r}'s element {@code c} read at
     * {@code qa[qOff + r·qrs + c·qcs]} (the queries in place, or a copy), modified
     * over the block's real keys ({@link TileModifier}) (the unmodified scores kept in {@link #rawTile} when
     * there is one), then masked. Returns the number of real keys in the block.
     */
    final int scores(int[] blocks, boolean[][] cached, int e, float[] qa, int qOff, int qrs, int qcs, float[] sTile,
                     int b, int h, int q0, int rows) {
        int entry = blocks[e];
        int kb = BlockSparsity.block(entry);
        int k0 = kb * bk;
        int valid = Math.min(bk, s.keyLength() - k0);
        packBlock(kb);
        ops.gemm(rows, bkPad, keyDim, qa, qOff, qrs, qcs, kt, kb * keyDim * bkPad, bkPad, sTile, 0, bkPad, false);
        if (mod != null) {
            if (rawTile != null) {
                System.arraycopy(sTile, 0, rawTile, 0, rows * bkPad);
            }
            mod.forward(sTile, rows, bkPad, valid, b, h, q0, k0);
        }
        maskScores(sTile, rows, valid, BlockSparsity.isPartial(entry), cached == null ? null : cached[e], b, h, q0, k0);
        return valid;
    }

    /**
     * Masks a freshly computed score tile ({@code rows × bkPad}): inside a PARTIAL block every
     * element the predicate rejects becomes −∞ (from {@code cachedTile}, or evaluated into
     * {@link #scratch}); columns past the last key become −∞ in every block.
     */
    private void maskScores(float[] sTile, int rows, int valid, boolean partial, boolean[] cachedTile,
                            int b, int h, int q0, int k0) {
        if (partial) {
            ops.applyMask(sTile, bkPad, rows, bkPad, allowedTile(cachedTile, b, h, q0, rows, k0, valid), bkPad);
        } else if (valid < bkPad) {
            for (int r = 0; r < rows; r++) {
                Arrays.fill(sTile, r * bkPad + valid, (r + 1) * bkPad, Float.NEGATIVE_INFINITY);
            }
        }
    }

    /**
     * The predicate tile ({@code rows × bkPad}, padding columns false) of the PARTIAL block at key
     * {@code k0}: {@code cachedTile}, or when the call keeps no tiles, evaluated into {@link #scratch}.
     */
    final boolean[] allowedTile(boolean[] cachedTile, int b, int h, int q0, int rows, int k0, int valid) {
        if (cachedTile != null) {
            return cachedTile;
        }
        mask.fillTile(b, h, q0, rows, k0, valid, scratch, bkPad);
        if (valid < bkPad) {
            for (int r = 0; r < rows; r++) {
                Arrays.fill(scratch, r * bkPad + valid, (r + 1) * bkPad, false);
            }
        }
        return scratch;
    }

    /**
     * Each row's allowed columns of a predicate tile ({@code rows × ld}): row r's first allowed
     * column into {@code out[2r]} and one past its last into {@code out[2r + 1]} (both 0 for a row
     * with none). Returns {@code out}.
     */
    static int[] rowExtents(boolean[] allowed, int rows, int ld, int[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * ld;
            int lo = 0;
            while (lo < ld && !allowed[o + lo]) {
                lo++;
            }
            int hi = ld;
            while (hi > lo && !allowed[o + hi - 1]) {
                hi--;
            }
            out[2 * r] = lo == ld ? 0 : lo;
            out[2 * r + 1] = lo == ld ? 0 : hi;
        }
        return out;
    }

    /** Rows per step of a strip plan: the tile kernels' row count. */
    static final int STRIP_ROWS = 4;

    /**
     * The strips of a PARTIAL tile worth computing, from its row extents ({@link #rowExtents}): the
     * rows in groups of {@link #STRIP_ROWS}, each group's columns the union of its rows' allowed
     * columns widened to whole vectors ({@code ops.lanes()}), neighbouring groups with the same
     * columns merged, groups with no allowed column left out, for a tile {@code width} columns wide (a
     * multiple of {@code lanes}). Writes {@code (firstRow, endRow, firstCol, endCol)} per strip into
     * {@code plan} and returns the strip count, or −1 when one strip would cover the whole tile (then
     * the plain tile is as cheap). On the causal mask's diagonal a
     * 64 × 64 tile becomes 4 strips of 16 rows, 16 to 64 columns wide at 512 bits (10/16 of the tile's
     * products and exponentials), 8 of 8 rows at 256 bits (36/64) and 16 of 4 at 128 (136/256).
     */
    static int stripPlan(int[] extents, int rows, int lanes, int width, int[] plan) {
        int n = 0;
        for (int g = 0; g < rows; g += STRIP_ROWS) {
            int end = Math.min(rows, g + STRIP_ROWS);
            int lo = width;
            int hi = 0;
            for (int r = g; r < end; r++) {
                if (extents[2 * r + 1] > extents[2 * r]) {
                    lo = Math.min(lo, extents[2 * r]);
                    hi = Math.max(hi, extents[2 * r + 1]);
                }
            }
            if (hi == 0) {
                continue;   // nothing allowed in these rows: the block leaves them as they are
            }
            lo = lo / lanes * lanes;
            hi = Math.min(width, (hi + lanes - 1) / lanes * lanes);
            if (n > 0 && plan[4 * n - 3] == g && plan[4 * n - 2] == lo && plan[4 * n - 1] == hi) {
                plan[4 * n - 3] = end;
            } else {
                plan[4 * n] = g;
                plan[4 * n + 1] = end;
                plan[4 * n + 2] = lo;
                plan[4 * n + 3] = hi;
                n++;
            }
        }
        return n == 1 && plan[0] == 0 && plan[1] == rows && plan[2] == 0 && plan[3] == width ? -1 : n;
    }

    /**
     * {@code dst[r, j] = src[r, j] · dropFactor(b, h, q0 + r, k0 + j)} for the {@code valid} real
     * keys of a {@code rows × bkPad} tile ({@code dst} may be {@code src}); only with dropout.
     */
    final void dropout(float[] src, float[] dst, int rows, int valid, int b, int h, int q0, int k0) {
        drop.apply(src, dst, bkPad, rows, b, h, q0, k0, valid);
    }
}
