package dev.visor.attention;

/**
 * What the flash kernel needs from a compiled mask: for each (batch, head, query block) the key
 * blocks it must visit — each FULL (every element attends) or PARTIAL (some do) — and the element
 * predicate, evaluated only inside PARTIAL blocks. EMPTY blocks are simply absent, which is what
 * makes the kernel's cost proportional to the mask's density.
 *
 * <p>Query block {@code i} covers query rows {@code [i·Bq, min((i+1)·Bq, Lq))}; key block {@code j}
 * covers keys {@code [j·Bk, min((j+1)·Bk, Lk))}. Positions are relative to the call (see
 * {@link ElementMask}). {@link #keyBlocks} returns entries encoded as
 * {@code (keyBlock << 1) | (partial ? 1 : 0)} in ascending key-block order; use {@link #block(int)}
 * and {@link #isPartial(int)} to decode them.
 *
 * <p>A correct sparsity never omits a block that has an attending element and never calls a block
 * FULL that has a masked one; the property tests compare the kernel that trusts it against the
 * reference kernel that only asks {@link #attends}.
 *
 * <pre>{@code
 * BlockSparsity causal = BlockSparsity.classify((b, h, q, k) -> k <= q, 1, 1, 1024, 1024, 64, 64, false, false);
 * for (int e : causal.keyBlocks(0, 0, 3)) { int kb = BlockSparsity.block(e); boolean partial = BlockSparsity.isPartial(e); }
 * }</pre>
 */
public interface BlockSparsity extends ElementMask {

    /**
     * Batch size the mask was compiled for.
     *
     * @return batch size the mask was compiled for
     */
    int batch();

    /**
     * Number of (query) heads the mask was compiled for.
     *
     * @return number of (query) heads the mask was compiled for
     */
    int heads();

    /**
     * Number of queries {@code Lq}.
     *
     * @return number of queries {@code Lq}
     */
    int queryLength();

    /**
     * Number of keys {@code Lk}.
     *
     * @return number of keys {@code Lk}
     */
    int keyLength();

    /**
     * Query rows per block {@code Bq}.
     *
     * @return query rows per block {@code Bq}
     */
    int queryBlockSize();

    /**
     * Keys per block {@code Bk}.
     *
     * @return keys per block {@code Bk}
     */
    int keyBlockSize();

    /**
     * The non-EMPTY key blocks of query block {@code queryBlock} in batch {@code b}, head {@code h},
     * ascending, encoded as {@code (keyBlock << 1) | partialBit}. The array is shared: do not modify it.
     *
     * @param b the batch entry
     * @param h the head
     * @param queryBlock the query block index
     * @return the non-EMPTY key blocks of query block {@code queryBlock} in batch {@code b}, head {@code h}, ascending, encoded as {@code (keyBlock << 1) | partialBit}
     */
    int[] keyBlocks(int b, int h, int queryBlock);

    /**
     * Evaluates the predicate on a tile: {@code out[r·ld + j] = attends(b, h, q0 + r, k0 + j)} for
     * {@code r < rows}, {@code j < cols}. The kernels call it once per PARTIAL block (and per batch
     * entry or head only when the mask depends on them); implementations with a closed form may
     * override it with something faster than one call per element.
     *
     * @param b the batch entry
     * @param h the head
     * @param q0 the first query of the tile
     * @param rows the number of rows
     * @param k0 the first key of the tile
     * @param cols the number of columns
     * @param out the output array
     * @param ld the row stride of {@code out}
     */
    default void fillTile(int b, int h, int q0, int rows, int k0, int cols, boolean[] out, int ld) {
        for (int r = 0; r < rows; r++) {
            int base = r * ld;
            for (int j = 0; j < cols; j++) {
                out[base + j] = attends(b, h, q0 + r, k0 + j);
            }
        }
    }

    /**
     * False when the mask is the same for every batch entry (lets kernels reuse work).
     *
     * @return false when the mask is the same for every batch entry (lets kernels reuse work)
     */
    default boolean dependsOnBatch() {
        return true;
    }

    /**
     * False when the mask is the same for every head (lets kernels reuse work).
     *
     * @return false when the mask is the same for every head (lets kernels reuse work)
     */
    default boolean dependsOnHead() {
        return true;
    }

    /**
     * Number of query blocks, {@code ⌈Lq / Bq⌉}.
     *
     * @return number of query blocks, {@code ⌈Lq / Bq⌉}
     */
    default int queryBlocks() {
        return (queryLength() + queryBlockSize() - 1) / queryBlockSize();
    }

    /**
     * Number of key blocks, {@code ⌈Lk / Bk⌉}.
     *
     * @return number of key blocks, {@code ⌈Lk / Bk⌉}
     */
    default int keyBlockCount() {
        return (keyLength() + keyBlockSize() - 1) / keyBlockSize();
    }

    /**
     * The key block of an entry of {@link #keyBlocks}.
     *
     * @param entry an entry of {@link #keyBlocks}
     * @return the key block of an entry of {@link #keyBlocks}
     */
    static int block(int entry) {
        return entry >>> 1;
    }

    /**
     * True when an entry of {@link #keyBlocks} is PARTIAL (the predicate must be evaluated).
     *
     * @param entry an entry of {@link #keyBlocks}
     * @return true when an entry of {@link #keyBlocks} is PARTIAL (the predicate must be evaluated)
     */
    static boolean isPartial(int entry) {
        return (entry & 1) != 0;
    }

    /**
     * Encodes a key block and its class as an entry of {@link #keyBlocks}.
     *
     * @param keyBlock the key block index
     * @param partial true for a PARTIAL block
     * @return the entry
     */
    static int entry(int keyBlock, boolean partial) {
        return (keyBlock << 1) | (partial ? 1 : 0);
    }

    /**
     * The kernels' view of a mask compiled by the mask module: entries from its block lists, the
     * predicate shifted by the compiled shape's query offset (query row {@code q} of the call is
     * absolute position {@code queryOffset + q}). Views are cached per compiled mask together with
     * the predicate tiles of its PARTIAL blocks, so layers that share a compiled mask share that work.
     *
     * @param compiled the compiled mask
     * @return the kernels' view of a mask compiled by the mask module: entries from its block lists, the predicate shifted by the compiled shape's query offset (query row {@code q} of the call is absolute position {@code queryOffset + q})
     */
    static BlockSparsity of(dev.visor.mask.CompiledMask compiled) {
        return CompiledSparsity.of(java.util.Objects.requireNonNull(compiled, "compiled mask"));
    }

    /**
     * No mask: every query block visits every key block, all FULL.
     *
     * @param batch the batch size
     * @param heads the number of (query) heads
     * @param queryLength the number of queries
     * @param keyLength the number of keys
     * @param queryBlock the query block index
     * @param keyBlock the key block index
     * @return no mask: every query block visits every key block, all FULL
     */
    static BlockSparsity dense(int batch, int heads, int queryLength, int keyLength, int queryBlock, int keyBlock) {
        return TableSparsity.dense(batch, heads, queryLength, keyLength, queryBlock, keyBlock);
    }

    /**
     * Compiles an arbitrary predicate by evaluating every element (O(B·H·Lq·Lk) predicate calls, or
     * fewer when it does not depend on batch or head). Masks with closed-form block classes compile
     * in O(#blocks) through the mask module instead; this is for custom predicates and tests.
     *
     * @param mask the mask
     * @param batch the batch size
     * @param heads the number of (query) heads
     * @param queryLength the number of queries
     * @param keyLength the number of keys
     * @param queryBlock the query block index
     * @param keyBlock the key block index
     * @param dependsOnBatch true when the mask differs between batch entries
     * @param dependsOnHead true when the mask differs between heads
     * @return the block sparsity of {@code mask}
     */
    static BlockSparsity classify(ElementMask mask, int batch, int heads, int queryLength, int keyLength,
                                  int queryBlock, int keyBlock, boolean dependsOnBatch, boolean dependsOnHead) {
        return TableSparsity.classify(mask, batch, heads, queryLength, keyLength, queryBlock, keyBlock,
                dependsOnBatch, dependsOnHead);
    }
}
