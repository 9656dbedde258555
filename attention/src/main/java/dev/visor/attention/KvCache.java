package dev.visor.attention;

import dev.visor.tensor.Tensor;

/**
 * Keys and values of the tokens decoded so far, for incremental (token-by-token) self-attention.
 * Appending {@code n} tokens advances {@link #length()}; the attention layer uses the length before
 * the append as the absolute position of its new queries (the mask's query offset), so
 * {@code causal} is right by construction and decoding token by token gives the outputs of running
 * the whole sequence at once.
 *
 * <p>Storage is {@code (batch, kvHeads, capacity, headDim)}, doubling as needed: the layout the
 * decoding kernel ({@code DecodeAttention}) reads in place, so a step copies only its new keys and
 * values. Values are copied in detached: the cache is for inference, no gradient flows into it.
 * {@link #reorder} selects rows in place for beam search, copying only the rows that move into a
 * spare buffer kept from step to step.
 *
 * <pre>{@code
 * KvCache cache = new KvCache(1, 8, 64);
 * for (int t = 0; t < steps; t++) {
 *     Tensor y = selfAttn.forward(embed(token), cache, "causal", MaskInputs.none());   // (1, 1, dModel)
 * }
 * }</pre>
 */
public final class KvCache {
    private int batch;
    private final int kvHeads;
    private final int headDim;
    private float[] keys;     // (batch, kvHeads, capacity, headDim)
    private float[] values;   // (batch, kvHeads, capacity, headDim)
    private int capacity;
    private int length;
    private int rowsAllocated;   // rows the arrays hold, ≥ batch
    private float[] spareKeys;   // reorder's scratch, kept between steps
    private float[] spareValues;
    private boolean[] overwritten = new boolean[0];   // reorder's bookkeeping, kept likewise
    private int[] spareSlot = new int[0];

    /**
     * An empty cache for {@code batch} sequences of {@code kvHeads} key/value heads of {@code headDim}.
     *
     * @param batch the batch size
     * @param kvHeads the number of key/value heads
     * @param headDim the width of one head
     */
    public KvCache(int batch, int kvHeads, int headDim) {
        if (batch < 1 || kvHeads < 1 || headDim < 1) {
            throw new IllegalArgumentException("a KV cache needs batch, kvHeads and headDim ≥ 1 but got batch=" + batch
                    + ", kvHeads=" + kvHeads + ", headDim=" + headDim);
        }
        this.batch = batch;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = 16;
        this.rowsAllocated = batch;
        this.keys = new float[batch * kvHeads * capacity * headDim];
        this.values = new float[keys.length];
    }

    /**
     * Number of cached positions: the absolute position the next appended token gets.
     *
     * @return number of cached positions: the absolute position the next appended token gets
     */
    public int length() {
        return length;
    }

    /**
     * Number of sequences.
     *
     * @return number of sequences
     */
    public int batch() {
        return batch;
    }

    /**
     * Number of key/value heads.
     *
     * @return number of key/value heads
     */
    public int kvHeads() {
        return kvHeads;
    }

    /**
     * Features per head.
     *
     * @return features per head
     */
    public int headDim() {
        return headDim;
    }

    /**
     * Appends keys and values of {@code n} new positions, each {@code (batch, kvHeads, n, headDim)}
     * (any strides).
     *
     * @param k the keys
     * @param v the values
     */
    public void append(Tensor k, Tensor v) {
        HeadsView kv = HeadsView.of(k);
        HeadsView vv = HeadsView.of(v);
        check("keys", kv);
        check("values", vv);
        if (kv.seq() != vv.seq()) {
            throw new IllegalArgumentException("appending " + kv.seq() + " keys but " + vv.seq() + " values");
        }
        int n = kv.seq();
        ensure(length + n);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < kvHeads; h++) {
                for (int l = 0; l < n; l++) {
                    int dst = ((b * kvHeads + h) * capacity + length + l) * headDim;
                    copyRow(kv, b, h, l, keys, dst);
                    copyRow(vv, b, h, l, values, dst);
                }
            }
        }
        length += n;
    }

    private void copyRow(HeadsView src, int b, int h, int l, float[] dst, int at) {
        int from = src.index(b, h, l, 0);
        if (src.dimStride() == 1) {
            System.arraycopy(src.data(), from, dst, at, headDim);
        } else {
            for (int c = 0; c < headDim; c++) {
                dst[at + c] = src.data()[from + c * src.dimStride()];
            }
        }
    }

    /**
     * Keeps rows {@code rows[0], rows[1], …} of the cache, in that order, as its new rows {@code 0, 1, …}
     * (a row may be kept twice or dropped): what beam search does at every step. In place: a row that
     * stays where it is is not touched; the rows that move are copied (their {@link #length()}
     * positions only) through a spare buffer that is kept from step to step, so a steady beam search
     * allocates nothing here.
     *
     * @param rows for each new row, the current row it continues; each in {@code [0, batch())}
     * @throws IllegalArgumentException when {@code rows} is empty or an index is out of range
     */
    public void reorder(int[] rows) {
        java.util.Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("reorder needs at least one row");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= batch) {
                throw new IllegalArgumentException("reorder index " + rows[i] + " at " + i + " is outside the " + batch + " cached rows");
            }
        }
        int rowSize = kvHeads * capacity * headDim;
        if (rows.length > rowsAllocated) {
            keys = java.util.Arrays.copyOf(keys, rows.length * rowSize);
            values = java.util.Arrays.copyOf(values, rows.length * rowSize);
            rowsAllocated = rows.length;
        }
        // 1) sources that a moving row overwrites before every reader has read them go to the spare buffer
        int span = Math.max(batch, rows.length);
        if (overwritten.length < span) {
            overwritten = new boolean[span];
            spareSlot = new int[span];
        }
        java.util.Arrays.fill(overwritten, 0, span, false);
        java.util.Arrays.fill(spareSlot, 0, span, -1);
        int saved = 0;
        for (int i = 0; i < rows.length; i++) {
            overwritten[i] = rows[i] != i;
        }
        for (int i = 0; i < rows.length; i++) {
            int src = rows[i];
            if (src != i && overwritten[src] && spareSlot[src] < 0) {
                spareSlot[src] = saved++;
            }
        }
        if (saved > 0) {
            int need = saved * rowSize;
            if (spareKeys == null || spareKeys.length < need) {
                spareKeys = new float[need];
                spareValues = new float[need];
            }
            for (int src = 0; src < batch; src++) {
                if (spareSlot[src] >= 0) {
                    copyPositions(keys, values, src * rowSize, spareKeys, spareValues, spareSlot[src] * rowSize);
                }
            }
        }
        // 2) every moving row from its source, or the source's saved copy
        for (int i = 0; i < rows.length; i++) {
            int src = rows[i];
            if (src == i) {
                continue;
            }
            if (spareSlot[src] >= 0) {
                copyPositions(spareKeys, spareValues, spareSlot[src] * rowSize, keys, values, i * rowSize);
            } else {
                copyPositions(keys, values, src * rowSize, keys, values, i * rowSize);
            }
        }
        batch = rows.length;
    }

    /** Copies the {@code length} cached positions of every head of one row. */
    private void copyPositions(float[] fromK, float[] fromV, int from, float[] toK, float[] toV, int to) {
        int n = length * headDim;
        for (int h = 0; h < kvHeads; h++) {
            int off = h * capacity * headDim;
            System.arraycopy(fromK, from + off, toK, to + off, n);
            System.arraycopy(fromV, from + off, toV, to + off, n);
        }
    }

    /**
     * The cached keys, {@code (batch, kvHeads, length, headDim)}: a view, valid until the cache grows or resets.
     *
     * @return the cached keys, {@code (batch, kvHeads, length, headDim)}: a view, valid until the cache grows or resets
     */
    public Tensor keys() {
        return Tensor.wrap(keys, rowsAllocated, kvHeads, capacity, headDim).narrow(0, 0, batch).narrow(2, 0, length);
    }

    /**
     * The cached values, {@code (batch, kvHeads, length, headDim)}.
     *
     * @return the cached values, {@code (batch, kvHeads, length, headDim)}
     */
    public Tensor values() {
        return Tensor.wrap(values, rowsAllocated, kvHeads, capacity, headDim).narrow(0, 0, batch).narrow(2, 0, length);
    }

    /** Forgets every position (keeps the storage). */
    public void reset() {
        length = 0;
    }

    /**
     * Forgets positions from {@code newLength} on (e.g. to rewind a beam).
     *
     * @param newLength the new length
     */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of length " + length + " to " + newLength);
        }
        length = newLength;
    }

    private void check(String what, HeadsView t) {
        if (t.batch() != batch || t.heads() != kvHeads || t.dim() != headDim) {
            throw new IllegalArgumentException("cached " + what + " must be (" + batch + ", " + kvHeads + ", n, " + headDim
                    + ") but got " + t.shapeString());
        }
    }

    private void ensure(int needed) {
        if (needed <= capacity) {
            return;
        }
        int newCapacity = Math.max(needed, capacity * 2);
        float[] nk = new float[rowsAllocated * kvHeads * newCapacity * headDim];
        float[] nv = new float[nk.length];
        for (int bh = 0; bh < batch * kvHeads; bh++) {
            System.arraycopy(keys, bh * capacity * headDim, nk, bh * newCapacity * headDim, length * headDim);
            System.arraycopy(values, bh * capacity * headDim, nv, bh * newCapacity * headDim, length * headDim);
        }
        keys = nk;
        values = nv;
        capacity = newCapacity;
        spareKeys = null;            // sized for the old capacity
        spareValues = null;
    }

    // ---- the decoding kernel reads the storage in place

    float[] keyData() {
        return keys;
    }

    float[] valueData() {
        return values;
    }

    /** Index of position 0, feature 0 of key/value head {@code h} of row {@code b}. */
    int base(int b, int h) {
        return (b * kvHeads + h) * capacity * headDim;
    }
}
