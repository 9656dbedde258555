package dev.visor.attention;

import java.util.Arrays;

/** A {@link BlockSparsity} stored as one entry list per (batch, head, query block), collapsed where independent. */
final class TableSparsity implements BlockSparsity {
    private final ElementMask mask;
    private final int batch;
    private final int heads;
    private final int queryLength;
    private final int keyLength;
    private final int queryBlock;
    private final int keyBlock;
    private final boolean byBatch;
    private final boolean byHead;
    private final int[][] table; // ((b' · H') + h') · nQb + qb

    private TableSparsity(ElementMask mask, int batch, int heads, int queryLength, int keyLength, int queryBlock,
                          int keyBlock, boolean byBatch, boolean byHead, int[][] table) {
        this.mask = mask;
        this.batch = batch;
        this.heads = heads;
        this.queryLength = queryLength;
        this.keyLength = keyLength;
        this.queryBlock = queryBlock;
        this.keyBlock = keyBlock;
        this.byBatch = byBatch;
        this.byHead = byHead;
        this.table = table;
    }

    static void checkGeometry(int batch, int heads, int queryLength, int keyLength, int queryBlock, int keyBlock) {
        if (batch < 1 || heads < 1 || queryLength < 0 || keyLength < 0) {
            throw new IllegalArgumentException("mask geometry needs batch ≥ 1, heads ≥ 1 and lengths ≥ 0 but got batch="
                    + batch + ", heads=" + heads + ", queryLength=" + queryLength + ", keyLength=" + keyLength);
        }
        if (queryBlock < 1 || keyBlock < 1) {
            throw new IllegalArgumentException("block sizes must be positive but got queryBlock=" + queryBlock
                    + ", keyBlock=" + keyBlock);
        }
    }

    static TableSparsity dense(int batch, int heads, int queryLength, int keyLength, int queryBlock, int keyBlock) {
        checkGeometry(batch, heads, queryLength, keyLength, queryBlock, keyBlock);
        int nQb = (queryLength + queryBlock - 1) / queryBlock;
        int nKb = (keyLength + keyBlock - 1) / keyBlock;
        int[] all = new int[nKb];
        for (int kb = 0; kb < nKb; kb++) {
            all[kb] = BlockSparsity.entry(kb, false);
        }
        int[][] table = new int[nQb][];
        Arrays.fill(table, all);
        return new TableSparsity((b, h, q, k) -> true, batch, heads, queryLength, keyLength, queryBlock, keyBlock,
                false, false, table);
    }

    static TableSparsity classify(ElementMask mask, int batch, int heads, int queryLength, int keyLength,
                                  int queryBlock, int keyBlock, boolean byBatch, boolean byHead) {
        checkGeometry(batch, heads, queryLength, keyLength, queryBlock, keyBlock);
        int nQb = (queryLength + queryBlock - 1) / queryBlock;
        int nKb = (keyLength + keyBlock - 1) / keyBlock;
        int bs = byBatch ? batch : 1;
        int hs = byHead ? heads : 1;
        int[][] table = new int[bs * hs * nQb][];
        int[] scratch = new int[nKb];
        for (int b = 0; b < bs; b++) {
            for (int h = 0; h < hs; h++) {
                for (int qb = 0; qb < nQb; qb++) {
                    int n = 0;
                    int q0 = qb * queryBlock;
                    int q1 = Math.min(q0 + queryBlock, queryLength);
                    for (int kb = 0; kb < nKb; kb++) {
                        int k0 = kb * keyBlock;
                        int k1 = Math.min(k0 + keyBlock, keyLength);
                        int on = 0;
                        for (int q = q0; q < q1; q++) {
                            for (int k = k0; k < k1; k++) {
                                if (mask.attends(b, h, q, k)) {
                                    on++;
                                }
                            }
                        }
                        if (on > 0) {
                            scratch[n++] = BlockSparsity.entry(kb, on < (q1 - q0) * (k1 - k0));
                        }
                    }
                    table[(b * hs + h) * nQb + qb] = Arrays.copyOf(scratch, n);
                }
            }
        }
        return new TableSparsity(mask, batch, heads, queryLength, keyLength, queryBlock, keyBlock, byBatch, byHead,
                table);
    }

    @Override
    public int[] keyBlocks(int b, int h, int qb) {
        int nQb = (queryLength + queryBlock - 1) / queryBlock;
        int bi = byBatch ? b : 0;
        int hi = byHead ? h : 0;
        return table[(bi * (byHead ? heads : 1) + hi) * nQb + qb];
    }

    @Override
    public boolean attends(int b, int h, int q, int k) {
        return mask.attends(b, h, q, k);
    }

    @Override
    public boolean dependsOnBatch() {
        return byBatch;
    }

    @Override
    public boolean dependsOnHead() {
        return byHead;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public int heads() {
        return heads;
    }

    @Override
    public int queryLength() {
        return queryLength;
    }

    @Override
    public int keyLength() {
        return keyLength;
    }

    @Override
    public int queryBlockSize() {
        return queryBlock;
    }

    @Override
    public int keyBlockSize() {
        return keyBlock;
    }
}
