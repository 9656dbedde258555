package dev.visor.attention;

import dev.visor.tensor.kernel.Parallel;

/**
 * The element predicate of every PARTIAL block of one call, evaluated once and kept as boolean
 * tiles of {@code rows × BkPad} (a query block's real rows, at most {@code Bq}; padding columns false): a head-independent mask is evaluated once for
 * all heads instead of once per head, and the forward and backward kernels then apply a tile with a
 * vector blend. Built only when the tiles fit {@link ##maxElements}; otherwise the kernels evaluate
 * tiles on the fly.
 */
final class PartialTiles {
    /** Upper bound on cached predicate values (bytes) per call; tests lower it to reach the uncached path. */
    static volatile long maxElements = 64L << 20;

    /** Tiles at most this large are kept with a cached compiled mask for reuse by later calls. */
    static final long RETAINED_BYTES = 16L << 20;

    private final BlockSparsity mask;
    private final boolean byBatch;
    private final boolean byHead;
    private final int nQb;
    private final boolean[][][] tiles;   // [(b'·H' + h')·nQb + qb][entry] → tile, null for FULL entries
    private final int[][][] extents;     // the same index → each tile row's allowed columns (FlashWorker.rowExtents)

    private final long bytes;

    /** The tiles for one call: reused from a cached compiled mask when possible, else built (or null). */
    static PartialTiles forCall(BlockSparsity mask, int bkPad) {
        if (mask instanceof CompiledSparsity c) {
            return c.tiles(bkPad);
        }
        return build(mask, bkPad);
    }

    private PartialTiles(BlockSparsity mask, boolean[][][] tiles, int[][][] extents, long bytes) {
        this.bytes = bytes;
        this.extents = extents;
        this.mask = mask;
        this.byBatch = mask.dependsOnBatch();
        this.byHead = mask.dependsOnHead();
        this.nQb = mask.queryBlocks();
        this.tiles = tiles;
    }

    /** The tiles of {@code mask}, or {@code null} when it has no PARTIAL block or they would not fit. */
    static PartialTiles build(BlockSparsity mask, int bkPad) {
        int bs = mask.dependsOnBatch() ? mask.batch() : 1;
        int hs = mask.dependsOnHead() ? mask.heads() : 1;
        int nQb = mask.queryBlocks();
        int bq = mask.queryBlockSize();
        long partial = 0;
        for (int b = 0; b < bs; b++) {
            for (int h = 0; h < hs; h++) {
                for (int qb = 0; qb < nQb; qb++) {
                    for (int e : mask.keyBlocks(b, h, qb)) {
                        partial += BlockSparsity.isPartial(e) ? 1 : 0;
                    }
                }
            }
        }
        if (partial == 0 || partial * bq * bkPad > maxElements) {
            return null;
        }
        boolean[][][] tiles = new boolean[bs * hs * nQb][][];
        int[][][] extents = new int[tiles.length][][];
        int bk = mask.keyBlockSize();
        long flop = partial * bq * bk * 4L;
        Parallel.forRange(tiles.length, flop < WorkSplit.PARALLEL_THRESHOLD_FLOP ? tiles.length : 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int qb = i % nQb;
                int bh = i / nQb;
                int b = bh / hs;
                int h = bh % hs;
                int[] entries = mask.keyBlocks(b, h, qb);
                boolean[][] row = new boolean[entries.length][];
                int[][] spans = new int[entries.length][];
                int q0 = qb * bq;
                int rows = Math.min(bq, mask.queryLength() - q0);
                for (int e = 0; e < entries.length; e++) {
                    if (BlockSparsity.isPartial(entries[e])) {
                        int k0 = BlockSparsity.block(entries[e]) * bk;
                        boolean[] t = new boolean[rows * bkPad];   // the block's real rows: no kernel reads past them
                        mask.fillTile(b, h, q0, rows, k0, Math.min(bk, mask.keyLength() - k0), t, bkPad);
                        row[e] = t;
                        spans[e] = FlashWorker.rowExtents(t, rows, bkPad, new int[2 * rows]);
                    }
                }
                tiles[i] = row;
                extents[i] = spans;
            }
        });
        return new PartialTiles(mask, tiles, extents, partial * bq * (bkPad + 8L));
    }

    /** The memory the tiles take, in bytes. */
    long bytes() {
        return bytes;
    }

    /** The tiles of {@code (b, h, qb)}, parallel to {@code mask.keyBlocks(b, h, qb)}. */
    boolean[][] of(int b, int h, int qb) {
        return tiles[index(b, h, qb)];
    }

    /**
     * The row extents of the tiles of {@code (b, h, qb)} ({@link FlashWorker#rowExtents}: row r's
     * allowed columns lie in {@code [e[2r], e[2r + 1])}), parallel to {@link #of}.
     */
    int[][] extentsOf(int b, int h, int qb) {
        return extents[index(b, h, qb)];
    }

    private int index(int b, int h, int qb) {
        int bi = byBatch ? b : 0;
        int hi = byHead ? h : 0;
        return (bi * (byHead ? mask.heads() : 1) + hi) * nQb + qb;
    }
}
