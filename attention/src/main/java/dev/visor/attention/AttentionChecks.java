package dev.visor.attention;

import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/** The argument checks of {@link MultiHeadAttention}'s entry points, each naming the values it refuses. */
final class AttentionChecks {
    private AttentionChecks() {}

    /** Batch-first {@code query (B, Lq, E)}, {@code key (B, Lk, kdim)}, {@code value (B, Lk, vdim)}. */
    static void inputs(Tensor query, Tensor key, Tensor value, int embedDim, int keyDim, int valueDim) {
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

    /** A KV cache sized for {@code batch} sequences of {@code kvHeads} heads of {@code headDim}. */
    static void cache(KvCache cache, int batch, int kvHeads, int headDim) {
        if (cache.batch() != batch || cache.kvHeads() != kvHeads || cache.headDim() != headDim) {
            throw new IllegalArgumentException("cache is (" + cache.batch() + ", " + cache.kvHeads() + ", ·, "
                    + cache.headDim() + ") but this layer needs (" + batch + ", " + kvHeads + ", ·, " + headDim + ")");
        }
    }

    /** A mask compiled for {@code (batch, heads, Lq, Lk)}. */
    static void shape(CompiledMask mask, int batch, int heads, int lq, int lk) {
        var s = mask.shape();
        if (s.batch() != batch || s.heads() != heads || s.queryLength() != lq || s.keyLength() != lk) {
            throw new IllegalArgumentException("the mask was compiled for " + s + " but this call is (batch " + batch + ", heads "
                    + heads + ", Lq " + lq + ", Lk " + lk + ")");
        }
    }
}
