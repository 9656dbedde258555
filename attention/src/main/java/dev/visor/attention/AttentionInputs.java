package dev.visor.attention;

import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/** The shape checks of {@link MultiHeadAttention}'s inputs, with messages naming the values. */
final class AttentionInputs {
    private AttentionInputs() {}

    /**
     * Checks {@code query (batch, Lq, embedDim)}, {@code key (batch, Lk, keyDim)} and
     * {@code value (batch, Lk, valueDim)}.
     */
    static void check(Tensor query, Tensor key, Tensor value, int embedDim, int keyDim, int valueDim) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (query.dim() != 3 || key.dim() != 3 || value.dim() != 3) {
            throw new IllegalArgumentException("attention inputs must be (batch, seq, features) but got query "
                    + Shape.str(query.shape()) + ", key " + Shape.str(key.shape()) + ", value " + Shape.str(value.shape()));
        }
        if (query.size(2) != embedDim) {
            throw new IllegalArgumentException("query has " + query.size(2) + " features but the layer expects " + embedDim);
        }
        if (key.size(2) != keyDim) {
            throw new IllegalArgumentException("key has " + key.size(2) + " features but the layer expects " + keyDim);
        }
        if (value.size(2) != valueDim) {
            throw new IllegalArgumentException("value has " + value.size(2) + " features but the layer expects " + valueDim);
        }
        if (key.size(0) != query.size(0) || value.size(0) != query.size(0)) {
            throw new IllegalArgumentException("batch sizes differ: query " + query.size(0) + ", key " + key.size(0)
                    + ", value " + value.size(0));
        }
        if (key.size(1) != value.size(1)) {
            throw new IllegalArgumentException("key has " + key.size(1) + " positions but value has " + value.size(1));
        }
    }

    /** Checks a query against projected keys {@code (batch, kvHeads, Lk, headDim)}; returns Lk. */
    static int checkProjected(Tensor query, Tensor keys, int embedDim, int kvHeads, int headDim) {
        if (query == null || query.dim() != 3 || query.size(2) != embedDim) {
            throw new IllegalArgumentException("query must be (batch, Lq, " + embedDim + ") but got "
                    + (query == null ? "null" : Shape.str(query.shape())));
        }
        if (keys.dim() != 4 || keys.size(0) != query.size(0) || keys.size(1) != kvHeads || keys.size(3) != headDim) {
            throw new IllegalArgumentException("projected keys must be (" + query.size(0) + ", " + kvHeads + ", Lk, "
                    + headDim + ") but got " + Shape.str(keys.shape()));
        }
        return keys.size(2);
    }

    /** Checks that {@code cache} holds {@code (x.size(0), kvHeads, ·, headDim)}. */
    static void checkCache(Tensor x, KvCache cache, int kvHeads, int headDim) {
        if (cache.batch() != x.size(0) || cache.kvHeads() != kvHeads || cache.headDim() != headDim) {
            throw new IllegalArgumentException("cache is (" + cache.batch() + ", " + cache.kvHeads() + ", ·, "
                    + cache.headDim() + ") but this layer needs (" + x.size(0) + ", " + kvHeads + ", ·, " + headDim + ")");
        }
    }

    /** Checks that {@code mask} was compiled for {@code (batch, heads, lq, lk)}. */
    static void checkShape(dev.visor.mask.CompiledMask mask, int batch, int heads, int lq, int lk) {
        var s = mask.shape();
        if (s.batch() != batch || s.heads() != heads || s.queryLength() != lq || s.keyLength() != lk) {
            throw new IllegalArgumentException("the mask was compiled for " + s + " but this call is (batch " + batch + ", heads "
                    + heads + ", Lq " + lq + ", Lk " + lk + ")");
        }
    }
}
