package dev.visor.attention;

import dev.visor.tensor.Tensor;

/**
 * Keys and values of the tokens decoded so far, for incremental (token-by-token) self-attention.
 * Appending {@code n} tokens advances {@link #length()}; the attention layer uses the length before
 * the append as the absolute position of its new queries (the mask's query offset), so
 * {@code causal} is right by construction and decoding token by token gives the outputs of running
 * the whole sequence at once.
 *
 * <p>Storage is {@code (batch, kvHeads, capacity, headDim)}, doubling as needed. Values are copied
 * in detached: the cache is for inference, no gradient flows into it.
 *
 * <pre>{@code
 * KvCache cache = new KvCache(1, 8, 64);
 * for (int t = 0; t < steps; t++) {
 *     Tensor y = selfAttn.forward(embed(token), cache, "causal", MaskInputs.none());   // (1, 1, dModel)
 * }
 * }</pre>
 */
public final class KvCache {
    private final int batch;
    private final int kvHeads;
    private final int headDim;
    private float[] keys;     // (batch, kvHeads, capacity, headDim)
    private float[] values;   // (batch, kvHeads, capacity, headDim)
    private int capacity;
    private int length;

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
                    for (int c = 0; c < headDim; c++) {
                        keys[dst + c] = kv.get(b, h, l, c);
                        values[dst + c] = vv.get(b, h, l, c);
                    }
                }
            }
        }
        length += n;
    }

    /**
     * The cached keys, {@code (batch, kvHeads, length, headDim)}: a view, valid until the cache grows or resets.
     *
     * @return the cached keys, {@code (batch, kvHeads, length, headDim)}: a view, valid until the cache grows or resets
     */
    public Tensor keys() {
        return Tensor.wrap(keys, batch, kvHeads, capacity, headDim).narrow(2, 0, length);
    }

    /**
     * The cached values, {@code (batch, kvHeads, length, headDim)}.
     *
     * @return the cached values, {@code (batch, kvHeads, length, headDim)}
     */
    public Tensor values() {
        return Tensor.wrap(values, batch, kvHeads, capacity, headDim).narrow(2, 0, length);
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
        float[] nk = new float[batch * kvHeads * newCapacity * headDim];
        float[] nv = new float[nk.length];
        for (int bh = 0; bh < batch * kvHeads; bh++) {
            System.arraycopy(keys, bh * capacity * headDim, nk, bh * newCapacity * headDim, length * headDim);
            System.arraycopy(values, bh * capacity * headDim, nv, bh * newCapacity * headDim, length * headDim);
        }
        keys = nk;
        values = nv;
        capacity = newCapacity;
    }
}
