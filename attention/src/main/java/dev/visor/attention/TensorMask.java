package dev.visor.attention;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskSpec;
import dev.visor.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An explicit boolean mask held as data, {@code true} = may attend (Visor's polarity), of shape
 * {@code (batch, heads, Lq, Lk)} where {@code batch} and {@code heads} may be 1 to broadcast. Any
 * pattern works: the block classes come from one scan that builds, per slice, the 2-D prefix sums
 * of attending elements, so {@link #classify} answers any block exactly in O(1) and compiling costs
 * O(blocks) as for the closed-form built-ins. Memory: 5 bytes per element.
 *
 * <p>Queries are absolute positions {@code queryOffset .. queryOffset + Lq − 1}
 * ({@link #atOffset}). Compose it with other masks like any mask ({@code causal.and(tensorMask)}).
 * It is made in code, not by a registry strategy, so its {@link #spec()} names its shape and a hash
 * of its content but does not parse back to it.
 *
 * <pre>{@code
 * boolean[][] allowed = ...;                                    // (Lq, Lk), true = may attend
 * Tensor y = mha.forward(x, x, x, TensorMask.of(allowed));      // broadcast over batch and heads
 * TensorMask fromTorch = TorchMasks.attnMask(blockedByTorch);  // torch's polarity converted
 * }</pre>
 */
public final class TensorMask implements Mask {
    private final int batch;
    private final int heads;
    private final int queryLength;
    private final int keyLength;
    private final int queryOffset;
    private final boolean[] attends;   // (batch, heads, Lq, Lk) row-major
    private final int[] prefix;        // per slice (Lq + 1)·(Lk + 1) prefix sums of attends
    private final int hash;

    private TensorMask(int batch, int heads, int queryLength, int keyLength, int queryOffset, boolean[] attends, int[] prefix) {
        this.batch = batch;
        this.heads = heads;
        this.queryLength = queryLength;
        this.keyLength = keyLength;
        this.queryOffset = queryOffset;
        this.attends = attends;
        this.prefix = prefix != null ? prefix : prefixSums(batch * heads, queryLength, keyLength, attends);
        this.hash = Objects.hash(batch, heads, queryLength, keyLength, queryOffset, Arrays.hashCode(attends));
    }

    /**
     * A mask from a flat row-major array.
     *
     * @param batch sequences, or 1 to broadcast over the batch
     * @param heads heads, or 1 to broadcast over the heads
     * @param queryLength queries {@code Lq}
     * @param keyLength keys {@code Lk}
     * @param attends {@code batch·heads·Lq·Lk} values, {@code true} = may attend (copied)
     * @return the mask, queries at offset 0
     * @throws IllegalArgumentException naming the sizes when they do not fit
     */
    public static TensorMask of(int batch, int heads, int queryLength, int keyLength, boolean[] attends) {
        Objects.requireNonNull(attends, "attends");
        if (batch < 1 || heads < 1 || queryLength < 1 || keyLength < 1) {
            throw new IllegalArgumentException("a tensor mask needs positive sizes but got (" + batch + ", " + heads + ", "
                    + queryLength + ", " + keyLength + ")");
        }
        long n = (long) batch * heads * queryLength * keyLength;
        if (n != attends.length) {
            throw new IllegalArgumentException("a (" + batch + ", " + heads + ", " + queryLength + ", " + keyLength + ") mask needs "
                    + n + " values but got " + attends.length);
        }
        if ((long) batch * heads * (queryLength + 1) * (keyLength + 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a (" + batch + ", " + heads + ", " + queryLength + ", " + keyLength
                    + ") tensor mask is too large to index; use a closed-form mask");
        }
        return new TensorMask(batch, heads, queryLength, keyLength, 0, attends.clone(), null);
    }

    /**
     * A 2-D mask {@code (Lq, Lk)} shared by every sequence and head.
     *
     * @param attends rows of equal length, {@code true} = may attend
     * @return the mask
     */
    public static TensorMask of(boolean[][] attends) {
        return of(new boolean[][][][] {{attends}});
    }

    /**
     * A 3-D mask {@code (batch, Lq, Lk)} shared by the heads.
     *
     * @param attends per sequence, {@code true} = may attend
     * @return the mask
     */
    public static TensorMask of(boolean[][][] attends) {
        boolean[][][][] four = new boolean[attends.length][][][];
        for (int b = 0; b < attends.length; b++) four[b] = new boolean[][][] {attends[b]};
        return of(four);
    }

    /**
     * A 4-D mask {@code (batch, heads, Lq, Lk)}; {@code batch} or {@code heads} may be 1 to broadcast.
     *
     * @param attends {@code true} = may attend
     * @return the mask
     * @throws IllegalArgumentException naming the first ragged dimension
     */
    public static TensorMask of(boolean[][][][] attends) {
        int b = attends.length;
        int h = b == 0 ? 0 : attends[0].length;
        int lq = h == 0 ? 0 : attends[0][0].length;
        int lk = lq == 0 ? 0 : attends[0][0][0].length;
        if (b == 0 || h == 0 || lq == 0 || lk == 0) {
            throw new IllegalArgumentException("a tensor mask needs positive sizes but got (" + b + ", " + h + ", " + lq + ", " + lk + ")");
        }
        boolean[] flat = new boolean[b * h * lq * lk];
        int at = 0;
        for (int i = 0; i < b; i++) {
            check(attends[i].length == h, "heads of sequence " + i, attends[i].length, h);
            for (int j = 0; j < h; j++) {
                check(attends[i][j].length == lq, "queries of sequence " + i + ", head " + j, attends[i][j].length, lq);
                for (int q = 0; q < lq; q++) {
                    check(attends[i][j][q].length == lk, "keys of sequence " + i + ", head " + j + ", query " + q,
                            attends[i][j][q].length, lk);
                    System.arraycopy(attends[i][j][q], 0, flat, at, lk);
                    at += lk;
                }
            }
        }
        return new TensorMask(b, h, lq, lk, 0, flat, null);
    }

    /**
     * A mask from a float tensor of 2 to 4 dimensions ({@code (Lq, Lk)}, {@code (batch, Lq, Lk)} or
     * {@code (batch, heads, Lq, Lk)}) whose non-zero elements may attend.
     *
     * @param t the tensor
     * @return the mask
     */
    public static TensorMask of(Tensor t) {
        int[] s = Objects.requireNonNull(t, "tensor").shape();
        if (s.length < 2 || s.length > 4) {
            throw new IllegalArgumentException("a mask tensor has 2 to 4 dimensions but got " + s.length);
        }
        int b = s.length == 4 ? s[0] : s.length == 3 ? s[0] : 1;
        int h = s.length == 4 ? s[1] : 1;
        float[] v = t.contiguous().toArray();
        boolean[] flat = new boolean[v.length];
        for (int i = 0; i < v.length; i++) flat[i] = v[i] != 0f;
        return of(b, h, s[s.length - 2], s[s.length - 1], flat);
    }

    private static void check(boolean ok, String what, int got, int expected) {
        if (!ok) throw new IllegalArgumentException("ragged mask: " + what + " has " + got + " entries but " + expected + " were expected");
    }

    private static int[] prefixSums(int slices, int lq, int lk, boolean[] a) {
        int w = lk + 1;
        int area = (lq + 1) * w;
        int[] p = new int[slices * area];
        for (int s = 0; s < slices; s++) {
            int base = s * area;
            int src = s * lq * lk;
            for (int q = 0; q < lq; q++) {
                int row = 0;
                for (int k = 0; k < lk; k++) {
                    if (a[src + q * lk + k]) row++;
                    p[base + (q + 1) * w + k + 1] = p[base + q * w + k + 1] + row;
                }
            }
        }
        return p;
    }

    /**
     * This mask with its queries at absolute positions {@code offset ..}, e.g. the rows of a decoding
     * step after {@code offset} cached positions.
     *
     * @param offset the first query's position, at least 0
     * @return the moved mask (sharing the data)
     */
    public TensorMask atOffset(int offset) {
        if (offset < 0) throw new IllegalArgumentException("query offset must be >= 0 but got " + offset);
        return new TensorMask(batch, heads, queryLength, keyLength, offset, attends, prefix);
    }

    /**
     * The element-wise conjunction with another tensor mask of the same query and key lengths,
     * broadcasting batch and heads (used to combine torch's {@code attn_mask} and {@code key_padding_mask}).
     *
     * @param other the other mask
     * @return a tensor mask attending where both do
     */
    public TensorMask and(TensorMask other) {
        if (other.queryLength != queryLength || other.keyLength != keyLength || other.queryOffset != queryOffset) {
            throw new IllegalArgumentException("cannot combine a " + describe() + " mask with a " + other.describe() + " mask");
        }
        int b = broadcast(batch, other.batch, "batch");
        int h = broadcast(heads, other.heads, "heads");
        boolean[] out = new boolean[b * h * queryLength * keyLength];
        int n = queryLength * keyLength;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                int a0 = ((batch == 1 ? 0 : i) * heads + (heads == 1 ? 0 : j)) * n;
                int b0 = ((other.batch == 1 ? 0 : i) * other.heads + (other.heads == 1 ? 0 : j)) * n;
                int o0 = (i * h + j) * n;
                for (int e = 0; e < n; e++) out[o0 + e] = attends[a0 + e] && other.attends[b0 + e];
            }
        }
        return new TensorMask(b, h, queryLength, keyLength, queryOffset, out, null);
    }

    private static int broadcast(int a, int b, String what) {
        if (a == b || b == 1) return a;
        if (a == 1) return b;
        throw new IllegalArgumentException(what + " sizes " + a + " and " + b + " do not broadcast");
    }

    private int slice(int b, int h) {
        return (batch == 1 ? 0 : b) * heads + (heads == 1 ? 0 : h);
    }

    @Override
    public boolean attends(int b, int h, int query, int key) {
        return attends[(slice(b, h) * queryLength + query - queryOffset) * keyLength + key];
    }

    @Override
    public BlockClass classify(int b, int h, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int w = keyLength + 1;
        int base = slice(b, h) * (queryLength + 1) * w;
        int q0 = queryFrom - queryOffset;
        int q1 = queryTo - queryOffset;
        int count = prefix[base + q1 * w + keyTo] - prefix[base + q0 * w + keyTo] - prefix[base + q1 * w + keyFrom]
                + prefix[base + q0 * w + keyFrom];
        return count == 0 ? BlockClass.EMPTY : count == (q1 - q0) * (keyTo - keyFrom) ? BlockClass.FULL : BlockClass.PARTIAL;
    }

    @Override
    public boolean dependsOnBatch() {
        return batch > 1;
    }

    @Override
    public boolean dependsOnHead() {
        return heads > 1;
    }

    @Override
    public void checkShape(MaskShape shape) {
        if ((batch != 1 && batch != shape.batch()) || (heads != 1 && heads != shape.heads()) || queryLength != shape.queryLength()
                || keyLength != shape.keyLength() || queryOffset != shape.queryOffset()) {
            throw new IllegalArgumentException("a " + describe() + " tensor mask cannot serve " + shape);
        }
    }

    private String describe() {
        return "(" + batch + ", " + heads + ", " + queryLength + ", " + keyLength + ")" + (queryOffset > 0 ? " at offset " + queryOffset : "");
    }

    /** @return {@code [batch, heads, Lq, Lk]}, 1 where broadcast */
    public int[] shape() {
        return new int[] {batch, heads, queryLength, keyLength};
    }

    /** @return the position of the first query */
    public int queryOffset() {
        return queryOffset;
    }

    @Override
    public String spec() {
        return dataSpec("tensor", batch, heads, queryLength, keyLength, hash);
    }

    /** The spec of a value made of data (this mask, an {@link AdditiveBias}): its shape and content hash; it does not parse back. */
    static String dataSpec(String name, int batch, int heads, int queries, int keys, int hash) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("batch", batch);
        args.put("heads", heads);
        args.put("queries", queries);
        args.put("keys", keys);
        args.put("content", Integer.toHexString(hash));
        return new MaskSpec.Call(name, args).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorMask t && t.hash == hash && t.batch == batch && t.heads == heads && t.queryLength == queryLength
                && t.keyLength == keyLength && t.queryOffset == queryOffset && Arrays.equals(t.attends, attends);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return spec();
    }
}
