package dev.visor.mask;

import java.util.Arrays;
import java.util.Objects;

/**
 * A mask compiled for one shape and block size: for every (slice, query block) the ascending list of
 * non-EMPTY key blocks, each marked FULL or PARTIAL, in CSR form, plus the transposed (CSC) lists for
 * backward passes that walk key blocks. Batch and head collapse into one <em>slice</em> when the mask
 * does not depend on them. Compiling calls {@link Mask#classify} once per block and never the element
 * predicate, so it costs O(number of blocks) for masks with closed-form classification.
 *
 * <p>Query block {@code j} covers absolute queries {@code [queryFrom(j), queryTo(j))} =
 * {@code [offset + j·blockQ, offset + min((j+1)·blockQ, Lq))}; key block {@code i} covers keys
 * {@code [i·blockK, min((i+1)·blockK, Lk))}. Inside a PARTIAL block the kernel asks
 * {@code mask().attends(b, h, q, k)}; inside a FULL block every element attends.
 *
 * <pre>{@code
 * CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), 64, 64);
 * for (int b = 0; b < B; b++) for (int h = 0; h < H; h++) {
 *     int s = cm.slice(b, h);
 *     for (int qb = 0; qb < cm.queryBlocks(); qb++) {
 *         for (int e = cm.rowStart(s, qb); e < cm.rowEnd(s, qb); e++) {
 *             int kb = cm.keyBlockAt(e);
 *             boolean full = cm.fullAt(e);  // false: test cm.mask().attends(b, h, q, k) per element
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 */
public final class CompiledMask {
    private final Mask mask;
    private final MaskShape shape;
    private final int blockQ;
    private final int blockK;
    private final int queryBlocks;
    private final int keyBlocks;
    private final boolean byBatch;
    private final boolean byHead;
    private final int slices;
    private final int[] rowPtr;       // (slices · queryBlocks + 1)
    private final int[] rowKeyBlock;  // (entries)
    private final boolean[] rowFull;  // (entries)
    private final int[] colPtr;       // (slices · keyBlocks + 1)
    private final int[] colQueryBlock;
    private final boolean[] colFull;
    private final long full;
    private final long partial;
    private final double density;

    private CompiledMask(Mask mask, MaskShape shape, int blockQ, int blockK) {
        this.mask = mask;
        this.shape = shape;
        this.blockQ = blockQ;
        this.blockK = blockK;
        this.queryBlocks = ceilDiv(shape.queryLength(), blockQ);
        this.keyBlocks = ceilDiv(shape.keyLength(), blockK);
        this.byBatch = mask.dependsOnBatch();
        this.byHead = mask.dependsOnHead();
        int batches = byBatch ? shape.batch() : 1;
        int heads = byHead ? shape.heads() : 1;
        long sliceCount = (long) batches * heads;
        if (sliceCount * queryBlocks + 1 > Integer.MAX_VALUE || sliceCount * keyBlocks + 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("compiled mask for " + shape + " with blocks " + blockQ + "×" + blockK
                    + " needs " + sliceCount + " slices of " + queryBlocks + "×" + keyBlocks + " blocks: too many; use larger blocks");
        }
        this.slices = (int) sliceCount;

        // 1) classify every block, slice by slice, row by row (ascending key blocks)
        int rows = slices * queryBlocks;
        int[] ptr = new int[rows + 1];
        int[] keys = new int[(int) Math.max(16, Math.min(rows * 4L, 1 << 20))];
        boolean[] fulls = new boolean[keys.length];
        int n = 0;
        long fullPerSlices = 0;
        long partialPerSlices = 0;
        long area = 0;
        for (int s = 0; s < slices; s++) {
            int b = byHead ? s / heads : s;
            int h = byHead ? s % heads : 0;
            for (int qb = 0; qb < queryBlocks; qb++) {
                int qFrom = queryFrom(qb);
                int qTo = queryTo(qb);
                for (int kb = 0; kb < keyBlocks; kb++) {
                    int kFrom = kb * blockK;
                    int kTo = Math.min(kFrom + blockK, shape.keyLength());
                    BlockClass c = mask.classify(b, h, qFrom, qTo, kFrom, kTo);
                    if (c == BlockClass.EMPTY) continue;
                    if (c == null) {
                        throw new IllegalStateException("mask " + mask.spec() + " classified block [" + qFrom + ", " + qTo
                                + ") × [" + kFrom + ", " + kTo + ") as null");
                    }
                    if (n == keys.length) {
                        if (n == Integer.MAX_VALUE - 8) {
                            throw new IllegalStateException("compiled mask has more than " + n + " non-empty blocks");
                        }
                        int grown = (int) Math.min((long) n * 2, Integer.MAX_VALUE - 8);
                        keys = Arrays.copyOf(keys, grown);
                        fulls = Arrays.copyOf(fulls, grown);
                    }
                    keys[n] = kb;
                    fulls[n] = c == BlockClass.FULL;
                    n++;
                    if (c == BlockClass.FULL) fullPerSlices++;
                    else partialPerSlices++;
                    area += (long) (qTo - qFrom) * (kTo - kFrom);
                }
                ptr[s * queryBlocks + qb + 1] = n;
            }
        }
        this.rowPtr = ptr;
        this.rowKeyBlock = Arrays.copyOf(keys, n);
        this.rowFull = Arrays.copyOf(fulls, n);

        // 2) transpose into per-(slice, key block) lists of ascending query blocks
        int[] cptr = new int[slices * keyBlocks + 1];
        for (int s = 0; s < slices; s++) {
            for (int e = ptr[s * queryBlocks]; e < ptr[(s + 1) * queryBlocks]; e++) cptr[s * keyBlocks + keys[e] + 1]++;
        }
        for (int i = 0; i < slices * keyBlocks; i++) cptr[i + 1] += cptr[i];
        int[] fill = Arrays.copyOf(cptr, cptr.length - 1);
        this.colQueryBlock = new int[n];
        this.colFull = new boolean[n];
        for (int s = 0; s < slices; s++) {
            for (int qb = 0; qb < queryBlocks; qb++) {
                int row = s * queryBlocks + qb;
                for (int e = ptr[row]; e < ptr[row + 1]; e++) {
                    int at = fill[s * keyBlocks + keys[e]]++;
                    colQueryBlock[at] = qb;
                    colFull[at] = fulls[e];
                }
            }
        }
        this.colPtr = cptr;

        long replicas = (long) (shape.batch() / batches) * (shape.heads() / heads);
        this.full = fullPerSlices * replicas;
        this.partial = partialPerSlices * replicas;
        this.density = (double) (area * replicas) / shape.elements();
    }

    /**
     * Compiles a mask, verifying its block classes as the system property
     * {@value MaskVerification#PROPERTY} says ({@link MaskVerification#configured()}; by default the
     * masks of plugin strategies are sampled). Checks the mask against the shape
     * ({@link Mask#checkShape}) first.
     *
     * @param mask the mask
     * @param shape the shape of the attention call
     * @param blockQ queries per block, at least 1
     * @param blockK keys per block, at least 1
     * @return the compiled mask
     * @throws IllegalArgumentException for non-positive block sizes or a mask that does not fit the shape
     * @throws MaskVerificationException if a leaf's {@code classify} contradicts its {@code attends}
     */
    public static CompiledMask compile(Mask mask, MaskShape shape, int blockQ, int blockK) {
        return compile(mask, shape, blockQ, blockK, MaskVerification.configured());
    }

    /**
     * Compiles a mask, verifying the block classes of its leaves first as {@code verification} says.
     *
     * @param mask the mask
     * @param shape the shape of the attention call
     * @param blockQ queries per block, at least 1
     * @param blockK keys per block, at least 1
     * @param verification how much of {@code classify} to check against {@code attends}
     * @return the compiled mask
     * @throws IllegalArgumentException for non-positive block sizes or a mask that does not fit the shape
     * @throws MaskVerificationException if a leaf's {@code classify} contradicts its {@code attends}
     */
    public static CompiledMask compile(Mask mask, MaskShape shape, int blockQ, int blockK, MaskVerification verification) {
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(verification, "verification");
        if (blockQ < 1 || blockK < 1) {
            throw new IllegalArgumentException("block sizes must be at least 1 but were " + blockQ + "×" + blockK);
        }
        mask.checkShape(shape);
        MaskVerifier.verify(mask, shape, blockQ, blockK, verification);
        return new CompiledMask(mask, shape, blockQ, blockK);
    }

    static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }

    /** @return the mask whose element predicate decides inside PARTIAL blocks */
    public Mask mask() {
        return mask;
    }

    /** @return the shape compiled for */
    public MaskShape shape() {
        return shape;
    }

    /** @return queries per block */
    public int blockQ() {
        return blockQ;
    }

    /** @return keys per block */
    public int blockK() {
        return blockK;
    }

    /** @return the number of query blocks, {@code ceil(Lq / blockQ)} */
    public int queryBlocks() {
        return queryBlocks;
    }

    /** @return the number of key blocks, {@code ceil(Lk / blockK)} */
    public int keyBlocks() {
        return keyBlocks;
    }

    /** @return whether slices differ by sequence (else the batch is collapsed) */
    public boolean byBatch() {
        return byBatch;
    }

    /** @return whether slices differ by head (else heads are collapsed) */
    public boolean byHead() {
        return byHead;
    }

    /** @return the number of stored slices: {@code (byBatch ? B : 1) · (byHead ? H : 1)} */
    public int slices() {
        return slices;
    }

    /**
     * The slice holding the layout of a (sequence, head).
     *
     * @param batch the sequence
     * @param head the head
     * @return the slice index
     */
    public int slice(int batch, int head) {
        return (byBatch ? batch : 0) * (byHead ? shape.heads() : 1) + (byHead ? head : 0);
    }

    /**
     * The first entry of a query block's list of non-empty key blocks.
     *
     * @param slice the slice
     * @param queryBlock the query block
     * @return an index for {@link #keyBlockAt} and {@link #fullAt}
     */
    public int rowStart(int slice, int queryBlock) {
        return rowPtr[slice * queryBlocks + queryBlock];
    }

    /**
     * One past the last entry of a query block's list.
     *
     * @param slice the slice
     * @param queryBlock the query block
     * @return the exclusive end index
     */
    public int rowEnd(int slice, int queryBlock) {
        return rowPtr[slice * queryBlocks + queryBlock + 1];
    }

    /**
     * The key block of a row entry (ascending within a row).
     *
     * @param entry an index in {@code [rowStart, rowEnd)}
     * @return the key block
     */
    public int keyBlockAt(int entry) {
        return rowKeyBlock[entry];
    }

    /**
     * Whether a row entry is FULL (else PARTIAL).
     *
     * @param entry an index in {@code [rowStart, rowEnd)}
     * @return true if every element of the block attends
     */
    public boolean fullAt(int entry) {
        return rowFull[entry];
    }

    /**
     * The first entry of a key block's list of non-empty query blocks (the transposed layout).
     *
     * @param slice the slice
     * @param keyBlock the key block
     * @return an index for {@link #queryBlockAt} and {@link #columnFullAt}
     */
    public int columnStart(int slice, int keyBlock) {
        return colPtr[slice * keyBlocks + keyBlock];
    }

    /**
     * One past the last entry of a key block's list.
     *
     * @param slice the slice
     * @param keyBlock the key block
     * @return the exclusive end index
     */
    public int columnEnd(int slice, int keyBlock) {
        return colPtr[slice * keyBlocks + keyBlock + 1];
    }

    /**
     * The query block of a column entry (ascending within a column).
     *
     * @param entry an index in {@code [columnStart, columnEnd)}
     * @return the query block
     */
    public int queryBlockAt(int entry) {
        return colQueryBlock[entry];
    }

    /**
     * Whether a column entry is FULL (else PARTIAL).
     *
     * @param entry an index in {@code [columnStart, columnEnd)}
     * @return true if every element of the block attends
     */
    public boolean columnFullAt(int entry) {
        return colFull[entry];
    }

    /**
     * @param queryBlock a query block
     * @return its first absolute query position
     */
    public int queryFrom(int queryBlock) {
        return shape.queryOffset() + queryBlock * blockQ;
    }

    /**
     * @param queryBlock a query block
     * @return one past its last absolute query position
     */
    public int queryTo(int queryBlock) {
        return shape.queryOffset() + Math.min((queryBlock + 1) * blockQ, shape.queryLength());
    }

    /**
     * @param keyBlock a key block
     * @return its first key position
     */
    public int keyFrom(int keyBlock) {
        return keyBlock * blockK;
    }

    /**
     * @param keyBlock a key block
     * @return one past its last key position
     */
    public int keyTo(int keyBlock) {
        return Math.min((keyBlock + 1) * blockK, shape.keyLength());
    }

    /**
     * The class of one block (binary search in its row; for tests and tools, not inner loops).
     *
     * @param slice the slice
     * @param queryBlock the query block
     * @param keyBlock the key block
     * @return EMPTY, PARTIAL or FULL as compiled
     */
    public BlockClass blockClass(int slice, int queryBlock, int keyBlock) {
        int from = rowStart(slice, queryBlock);
        int at = Arrays.binarySearch(rowKeyBlock, from, rowEnd(slice, queryBlock), keyBlock);
        if (at < 0) return BlockClass.EMPTY;
        return rowFull[at] ? BlockClass.FULL : BlockClass.PARTIAL;
    }

    /** @return the number of stored non-empty blocks over all slices */
    public int entries() {
        return rowKeyBlock.length;
    }

    /**
     * How many blocks of a class the whole call has, counting every (sequence, head) even when slices
     * are collapsed: the three counts sum to {@code B · H · queryBlocks · keyBlocks}.
     *
     * @param c the class
     * @return the count
     */
    public long count(BlockClass c) {
        return switch (c) {
            case FULL -> full;
            case PARTIAL -> partial;
            case EMPTY -> (long) shape.batch() * shape.heads() * queryBlocks * keyBlocks - full - partial;
        };
    }

    /**
     * How many blocks of a class one (sequence, head) has: the three counts sum to
     * {@code queryBlocks · keyBlocks}. What {@code visor masks show} reports for its {@code --sequence}
     * and {@code --head}; {@link #count(BlockClass)} sums this over every (sequence, head).
     *
     * @param c the class
     * @param batch the sequence
     * @param head the head
     * @return the count
     */
    public long count(BlockClass c, int batch, int head) {
        if (batch < 0 || batch >= shape.batch() || head < 0 || head >= shape.heads()) {
            throw new IllegalArgumentException("(sequence " + batch + ", head " + head + ") is outside " + shape);
        }
        return BlockStatistics.count(this, c, slice(batch, head));
    }

    /**
     * The fraction of the {@code B·H·Lq·Lk} score elements that lie in non-empty blocks: the share of
     * dense work the kernel still does (edge blocks weighted by their true size).
     *
     * @return a number in [0, 1]
     */
    public double density() {
        return density;
    }

    /**
     * The fraction of score elements that attend: exact, by evaluating the predicate inside PARTIAL
     * blocks, so it costs O(elements in PARTIAL blocks). For statistics, not for inner loops.
     *
     * @return a number in [0, 1], at most {@link #density()}
     */
    public double elementDensity() {
        return BlockStatistics.elementDensity(this);
    }

    /**
     * A text picture of slice 0 (see {@link #render(int, int)}).
     *
     * @return the picture
     */
    public String render() {
        return render(0, 0);
    }

    /**
     * A text picture of one (sequence, head): one line per query block, one character per key block,
     * {@code F} full, {@code p} partial, {@code .} empty. Grids wider or taller than 64 blocks are
     * shown in groups (a group is F or . only if all its blocks are).
     *
     * @param batch the sequence
     * @param head the head
     * @return a header line and the grid
     */
    public String render(int batch, int head) {
        return BlockStatistics.render(this, slice(batch, head));
    }

    @Override
    public String toString() {
        return "CompiledMask[" + mask.spec() + " " + shape + ", blocks " + blockQ + "×" + blockK + ": "
                + full + " full, " + partial + " partial, " + count(BlockClass.EMPTY) + " empty]";
    }
}
