package dev.visor.mask;

/**
 * Exact O(1) block classification for the two periodic patterns masks are made of, for plugin authors
 * writing {@link Mask#classify}: positions grouped into <b>chunks</b> ({@code q / size == k / size}:
 * chunked attention, the rows of a flattened grid) and positions grouped by <b>residue</b>
 * ({@code q % period == k % period}: the columns of a grid, strided attention). Both rest on one fact:
 * a contiguous range of positions covers every chunk between its first and last, and a cyclic interval
 * of residues (all of them once it is {@code period} long).
 *
 * <pre>{@code
 * public BlockClass classify(int b, int h, int q0, int q1, int k0, int k1) {
 *     return BlockRanges.sameChunk(size, q0, q1, k0, k1);        // what ChunkedMask does
 * }
 * }</pre>
 *
 * <p>Ranges are half-open {@code [from, to)} and non-empty, as {@link Mask#classify} receives them.
 */
public final class BlockRanges {
    private BlockRanges() {}

    /**
     * Classifies the block {@code [queryFrom, queryTo) × [keyFrom, keyTo)} under the predicate
     * {@code query / size == key / size} (same chunk): EMPTY iff the chunk intervals of the two ranges
     * are disjoint, FULL iff both ranges lie in one and the same chunk, PARTIAL otherwise.
     *
     * @param size the chunk length in positions, at least 1
     * @param queryFrom the first query of the block, at least 0
     * @param queryTo one past the last query, greater than {@code queryFrom}
     * @param keyFrom the first key of the block, at least 0
     * @param keyTo one past the last key, greater than {@code keyFrom}
     * @return the exact class of the block under the same-chunk predicate
     * @throws IllegalArgumentException if {@code size < 1} or a range is empty or negative
     */
    public static BlockClass sameChunk(int size, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        check("chunk size", size, queryFrom, queryTo, keyFrom, keyTo);
        int q0 = queryFrom / size;
        int q1 = (queryTo - 1) / size;
        int k0 = keyFrom / size;
        int k1 = (keyTo - 1) / size;
        if (q1 < k0 || k1 < q0) return BlockClass.EMPTY;
        if (q0 == q1 && k0 == k1) return BlockClass.FULL; // overlapping single chunks are the same chunk
        return BlockClass.PARTIAL;
    }

    /**
     * Classifies the block {@code [queryFrom, queryTo) × [keyFrom, keyTo)} under the predicate
     * {@code query % period == key % period} (same residue): EMPTY iff the two ranges' cyclic intervals
     * of residues are disjoint, FULL iff {@code period == 1} or both ranges are one position of the same
     * residue (two positions of one range always differ in residue when the range is shorter than the
     * period, and any range of two or more positions has two neighbours that differ), PARTIAL otherwise.
     *
     * @param period the period in positions, at least 1
     * @param queryFrom the first query of the block, at least 0
     * @param queryTo one past the last query, greater than {@code queryFrom}
     * @param keyFrom the first key of the block, at least 0
     * @param keyTo one past the last key, greater than {@code keyFrom}
     * @return the exact class of the block under the same-residue predicate
     * @throws IllegalArgumentException if {@code period < 1} or a range is empty or negative
     */
    public static BlockClass sameResidue(int period, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        check("period", period, queryFrom, queryTo, keyFrom, keyTo);
        if (period == 1) return BlockClass.FULL;
        int nq = queryTo - queryFrom;
        int nk = keyTo - keyFrom;
        if (nq < period && nk < period) {
            int rq = queryFrom % period;
            int rk = keyFrom % period;
            if (Math.floorMod(rk - rq, period) >= nq && Math.floorMod(rq - rk, period) >= nk) return BlockClass.EMPTY;
        }
        return nq == 1 && nk == 1 ? BlockClass.FULL : BlockClass.PARTIAL;
    }

    private static void check(String what, int n, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        if (n < 1) throw new IllegalArgumentException(what + " must be at least 1 but was " + n);
        if (queryFrom < 0 || queryTo <= queryFrom || keyFrom < 0 || keyTo <= keyFrom) {
            throw new IllegalArgumentException("block [" + queryFrom + ", " + queryTo + ") × [" + keyFrom + ", " + keyTo
                    + ") must have non-empty ranges of positions >= 0");
        }
    }
}
