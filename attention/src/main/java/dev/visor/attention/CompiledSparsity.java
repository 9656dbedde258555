package dev.visor.attention;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernels' view of a mask module {@link CompiledMask}: its CSR rows re-encoded as
 * {@link BlockSparsity} entries, its predicate shifted from absolute query positions to the call's
 * rows ({@code q ↦ queryOffset + q}), and the predicate tiles of its PARTIAL blocks kept once built,
 * so that every layer and both passes of a model that share a compiled mask evaluate it only once.
 * Instances are cached per compiled mask (by identity; the mask module's cache returns the same
 * compiled mask for equal keys).
 */
final class CompiledSparsity implements BlockSparsity {
    private static final int CACHE_SIZE = 16;
    private static final Map<CompiledMask, CompiledSparsity> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<CompiledMask, CompiledSparsity> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private final CompiledMask compiled;
    private final Mask mask;
    private final int offset;
    private final int nQb;
    private final int[][] rows;   // (slice · nQb + qb) → entries
    private volatile RetainedTiles retained;
    private volatile Object layout;   // a PermutedLayout, NO_LAYOUT, or null before the first choice
    private static final Object NO_LAYOUT = new Object();

    private record RetainedTiles(int bkPad, PartialTiles tiles) {}

    private CompiledSparsity(CompiledMask compiled) {
        this.compiled = compiled;
        this.mask = compiled.mask();
        this.offset = compiled.shape().queryOffset();
        this.nQb = compiled.queryBlocks();
        this.rows = new int[compiled.slices() * nQb][];
        for (int s = 0; s < compiled.slices(); s++) {
            for (int qb = 0; qb < nQb; qb++) {
                int from = compiled.rowStart(s, qb);
                int[] row = new int[compiled.rowEnd(s, qb) - from];
                for (int e = 0; e < row.length; e++) {
                    row[e] = BlockSparsity.entry(compiled.keyBlockAt(from + e), !compiled.fullAt(from + e));
                }
                rows[s * nQb + qb] = row;
            }
        }
    }

    static CompiledSparsity of(CompiledMask compiled) {
        synchronized (CACHE) {
            CompiledSparsity s = CACHE.get(compiled);
            if (s == null) {
                s = new CompiledSparsity(compiled);
                CACHE.put(compiled, s);
            }
            return s;
        }
    }

    /** A view that is not put in the cache (for derived layouts that nothing else looks up). */
    static CompiledSparsity detached(CompiledMask compiled) {
        return new CompiledSparsity(compiled);
    }

    CompiledMask compiled() {
        return compiled;
    }

    /** The reordered layout {@link PermutedLayout#choose} picks for this mask (or null), chosen once and kept. */
    PermutedLayout permutedLayout() {
        Object l = layout;
        if (l == null) {
            synchronized (this) {
                l = layout;
                if (l == null) {
                    PermutedLayout p = PermutedLayout.choose(this);
                    l = p == null ? NO_LAYOUT : p;
                    layout = l;
                }
            }
        }
        return l instanceof PermutedLayout p ? p : null;
    }

    /** The predicate tiles for a padded key-block width, built on first use and then kept. */
    PartialTiles tiles(int bkPad) {
        RetainedTiles r = retained;
        if (r != null && r.bkPad() == bkPad) {
            return r.tiles();
        }
        PartialTiles t = PartialTiles.build(this, bkPad);
        if (t != null && t.bytes() <= PartialTiles.RETAINED_BYTES) {
            retained = new RetainedTiles(bkPad, t);
        }
        return t;
    }

    @Override
    public int[] keyBlocks(int b, int h, int queryBlock) {
        return rows[compiled.slice(b, h) * nQb + queryBlock];
    }

    @Override
    public boolean attends(int b, int h, int q, int k) {
        return mask.attends(b, h, offset + q, k);
    }

    @Override
    public boolean dependsOnBatch() {
        return compiled.byBatch();
    }

    @Override
    public boolean dependsOnHead() {
        return compiled.byHead();
    }

    @Override
    public int batch() {
        return compiled.shape().batch();
    }

    @Override
    public int heads() {
        return compiled.shape().heads();
    }

    @Override
    public int queryLength() {
        return compiled.shape().queryLength();
    }

    @Override
    public int keyLength() {
        return compiled.shape().keyLength();
    }

    @Override
    public int queryBlockSize() {
        return compiled.blockQ();
    }

    @Override
    public int keyBlockSize() {
        return compiled.blockK();
    }

    @Override
    public String toString() {
        return compiled.toString();
    }
}
