package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.ContextKey;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code document}: block-diagonal attention for packed sequences: a query attends a key iff both
 * carry the same segment (document) id. Needs {@link ContextKey#SEGMENT_IDS}; in self-attention the
 * queries take the ids of their own positions, in cross-attention their own id array (see
 * {@link MaskContext}).
 *
 * <p>Classification is exact and O(1) when each sequence's query ids and key ids are non-decreasing
 * (the packed layout: {@code 0 0 0 1 1 2 ...}). A contiguous range then holds exactly the ids between
 * its first and last, so with the sorted ids common to both sides precounted at every position, "do
 * the block's query and key ids share a value" is two subtractions. For ids in any other order the
 * answer is still sound — FULL when both ranges sit in one run of equal ids, EMPTY when they sit in
 * runs of different ids — but may be PARTIAL where the exact answer is EMPTY.
 *
 * <pre>{@code
 * int[][] segments = {{0, 0, 0, 1, 1, 2, 2, 2}};
 * MaskContext ctx = MaskContext.builder(1, 4, 8, 8).segmentIds(segments).build();
 * Mask m = registry.create("document & causal", ctx);
 * }</pre>
 */
public final class DocumentMask implements Mask {
    private final int queryOffset;
    private final int[][] querySegments; // (batch, queryLength), index = query - offset
    private final int[][] keySegments;   // (batch, keyLength)
    private final boolean[] sorted;      // (batch) both sides non-decreasing
    private final int[][] queryRunEnd;   // (batch, queryLength) one past the run of equal ids holding i
    private final int[][] keyRunEnd;     // (batch, keyLength)
    // for sorted sequences: number of common ids < / <= the id at each position
    private final int[][] queryBelow;
    private final int[][] queryUpTo;
    private final int[][] keyBelow;
    private final int[][] keyUpTo;
    private final int hash;

    /**
     * A document mask over explicit segment ids.
     *
     * @param queryOffset the absolute position of the first query
     * @param querySegments {@code (batch, queryLength)}, index 0 = the first query
     * @param keySegments {@code (batch, keyLength)}
     */
    public DocumentMask(int queryOffset, int[][] querySegments, int[][] keySegments) {
        if (querySegments.length != keySegments.length) {
            throw new IllegalArgumentException("query segment ids have " + querySegments.length
                    + " rows but key segment ids have " + keySegments.length);
        }
        int batch = querySegments.length;
        if (batch == 0) throw new IllegalArgumentException("document mask needs at least one sequence");
        if (queryOffset < 0) throw new IllegalArgumentException("queryOffset must be at least 0 but was " + queryOffset);
        for (int b = 0; b < batch; b++) {
            if (querySegments[b].length != querySegments[0].length || keySegments[b].length != keySegments[0].length) {
                throw new IllegalArgumentException("segment id rows differ in length: sequence " + b + " has "
                        + querySegments[b].length + " query and " + keySegments[b].length + " key ids, sequence 0 has "
                        + querySegments[0].length + " and " + keySegments[0].length);
            }
        }
        this.queryOffset = queryOffset;
        this.querySegments = new int[batch][];
        this.keySegments = new int[batch][];
        this.sorted = new boolean[batch];
        this.queryRunEnd = new int[batch][];
        this.keyRunEnd = new int[batch][];
        this.queryBelow = new int[batch][];
        this.queryUpTo = new int[batch][];
        this.keyBelow = new int[batch][];
        this.keyUpTo = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int[] qs = querySegments[b].clone();
            int[] ks = keySegments[b].clone();
            this.querySegments[b] = qs;
            this.keySegments[b] = ks;
            queryRunEnd[b] = runEnds(qs);
            keyRunEnd[b] = runEnds(ks);
            sorted[b] = nonDecreasing(qs) && nonDecreasing(ks);
            if (sorted[b]) {
                int[] common = common(qs, ks);
                queryBelow[b] = new int[qs.length];
                queryUpTo[b] = new int[qs.length];
                keyBelow[b] = new int[ks.length];
                keyUpTo[b] = new int[ks.length];
                rank(qs, common, queryBelow[b], queryUpTo[b]);
                rank(ks, common, keyBelow[b], keyUpTo[b]);
            }
        }
        this.hash = 31 * (31 * queryOffset + Arrays.deepHashCode(this.querySegments))
                + Arrays.deepHashCode(this.keySegments);
    }

    private static int[] runEnds(int[] ids) {
        int[] end = new int[ids.length];
        for (int i = ids.length - 1; i >= 0; i--) {
            end[i] = i + 1 < ids.length && ids[i + 1] == ids[i] ? end[i + 1] : i + 1;
        }
        return end;
    }

    private static boolean nonDecreasing(int[] ids) {
        for (int i = 1; i < ids.length; i++) if (ids[i] < ids[i - 1]) return false;
        return true;
    }

    /** The sorted ids present on both sides. */
    private static int[] common(int[] a, int[] b) {
        int[] x = Arrays.stream(a).distinct().toArray(); // a and b are sorted, so these are too
        int[] y = Arrays.stream(b).distinct().toArray();
        int[] out = new int[Math.min(x.length, y.length)];
        int n = 0;
        for (int i = 0, j = 0; i < x.length && j < y.length; ) {
            if (x[i] < y[j]) i++;
            else if (x[i] > y[j]) j++;
            else {
                out[n++] = x[i];
                i++;
                j++;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static void rank(int[] ids, int[] common, int[] below, int[] upTo) {
        int lo = 0;
        for (int i = 0; i < ids.length; i++) {
            while (lo < common.length && common[lo] < ids[i]) lo++;
            below[i] = lo;
            upTo[i] = lo < common.length && common[lo] == ids[i] ? lo + 1 : lo;
        }
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return querySegments[batch][query - queryOffset] == keySegments[batch][key];
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int[] qs = querySegments[batch];
        int[] ks = keySegments[batch];
        int i0 = queryFrom - queryOffset;
        int i1 = queryTo - 1 - queryOffset;
        boolean oneQueryRun = queryRunEnd[batch][i0] > i1;
        boolean oneKeyRun = keyRunEnd[batch][keyFrom] >= keyTo;
        if (oneQueryRun && oneKeyRun) return qs[i0] == ks[keyFrom] ? BlockClass.FULL : BlockClass.EMPTY;
        if (!sorted[batch]) return BlockClass.PARTIAL;
        // 1) the ids both ranges could share lie in [lo, hi]
        boolean queryLo = qs[i0] >= ks[keyFrom];
        boolean queryHi = qs[i1] <= ks[keyTo - 1];
        int lo = queryLo ? qs[i0] : ks[keyFrom];
        int hi = queryHi ? qs[i1] : ks[keyTo - 1];
        if (lo > hi) return BlockClass.EMPTY;
        // 2) common ids in [lo, hi] = (common ids <= hi) - (common ids < lo); each range holds all of them
        int upToHi = queryHi ? queryUpTo[batch][i1] : keyUpTo[batch][keyTo - 1];
        int belowLo = queryLo ? queryBelow[batch][i0] : keyBelow[batch][keyFrom];
        return upToHi > belowLo ? BlockClass.PARTIAL : BlockClass.EMPTY;
    }

    @Override
    public boolean dependsOnBatch() {
        return true;
    }

    @Override
    public boolean dependsOnHead() {
        return false;
    }

    @Override
    public void checkShape(MaskShape shape) {
        if (shape.batch() != querySegments.length || shape.queryLength() != querySegments[0].length
                || shape.keyLength() != keySegments[0].length || shape.queryOffset() != queryOffset) {
            throw new IllegalArgumentException("document mask holds segment ids for batch " + querySegments.length
                    + ", " + querySegments[0].length + " queries at offset " + queryOffset + " and "
                    + keySegments[0].length + " keys but the shape is " + shape);
        }
    }

    @Override
    public String spec() {
        return Strategy.NAME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DocumentMask d && hash == d.hash && queryOffset == d.queryOffset
                && Arrays.deepEquals(querySegments, d.querySegments) && Arrays.deepEquals(keySegments, d.keySegments);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code document} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "document";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "a query attends the keys of its own segment (packed documents)";
        }

        @Override
        public Set<ContextKey<?>> needs() {
            return Set.of(ContextKey.SEGMENT_IDS);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new DocumentMask(context.queryOffset(), context.querySegmentIds(), context.keySegmentIds());
        }
    }
}
