package dev.visor.attention;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;

/**
 * The input projections of {@link MultiHeadAttention}: queries, keys and values projected and split
 * into heads as strided views, over the parameters the layer registered (it owns them; this holds
 * references). Either one row-stacked {@code in_proj_weight (E + 2·kvDim, E)}, sliced per use, or
 * separate {@code q_proj_weight (E, E)}, {@code k_proj_weight (kvDim, kdim)} and
 * {@code v_proj_weight (kvDim, vdim)} when key or value dims differ from {@code E}; an optional
 * {@code in_proj_bias (E + 2·kvDim)} in both cases ({@code kvDim = kvHeads·headDim}).
 *
 * <p>Self-attention ({@code query == key == value}) runs one product over the stacked weight;
 * keys and values from one tensor (cross-attention memory) run one product over their two blocks.
 */
final class HeadProjections {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int embedDim;
    private final Tensor inProjWeight;   // (E + 2·kvDim, E), or null when separate
    private final Tensor qProjWeight;    // (E, E), or null
    private final Tensor kProjWeight;    // (kvDim, kdim), or null
    private final Tensor vProjWeight;    // (kvDim, vdim), or null
    private final Tensor inProjBias;     // (E + 2·kvDim), or null

    private HeadProjections(int heads, int kvHeads, int headDim, Tensor in, Tensor q, Tensor k, Tensor v, Tensor bias) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.embedDim = heads * headDim;
        this.inProjWeight = in;
        this.qProjWeight = q;
        this.kProjWeight = k;
        this.vProjWeight = v;
        this.inProjBias = bias;
    }

    /** Over one row-stacked weight {@code (E + 2·kvDim, E)} holding W_Q, W_K, W_V; {@code bias} may be null. */
    static HeadProjections stacked(int heads, int kvHeads, int headDim, Tensor inProjWeight, Tensor bias) {
        return new HeadProjections(heads, kvHeads, headDim, inProjWeight, null, null, null, bias);
    }

    /** Over three weights, for key or value dims other than {@code E}; {@code bias} may be null. */
    static HeadProjections separate(int heads, int kvHeads, int headDim, Tensor q, Tensor k, Tensor v, Tensor bias) {
        return new HeadProjections(heads, kvHeads, headDim, null, q, k, v, bias);
    }

    boolean hasBias() {
        return inProjBias != null;
    }

    /** q {@code (B, H, Lq, hd)}, k and v {@code (B, Hkv, Lk, hd)}: strided views of the projections. */
    Tensor[] project(Tensor query, Tensor key, Tensor value) {
        if (inProjWeight != null && query == key && key == value) {
            int kvDim = kvHeads * headDim;
            Tensor qkv = projectPacked(query);                                         // (B, L, E + 2·kvDim)
            return new Tensor[] {
                splitHeads(qkv.narrow(2, 0, embedDim), heads),
                splitHeads(qkv.narrow(2, embedDim, kvDim), kvHeads),
                splitHeads(qkv.narrow(2, embedDim + kvDim, kvDim), kvHeads)};
        }
        Tensor[] kv = projectKeyValue(key, value);
        return new Tensor[] {projectQuery(query), kv[0], kv[1]};
    }

    /** Whether self-attention can run as one product over the row-stacked weight ({@link #projectPacked}). */
    boolean packs() {
        return inProjWeight != null;
    }

    /**
     * Self-attention's one product over the row-stacked weight: {@code x (B, L, E)} ↦
     * {@code (B, L, E + 2·kvDim)}, whose column blocks are q, k and v (before the head split).
     */
    Tensor projectPacked(Tensor x) {
        if (inProjWeight == null) {
            throw new IllegalStateException("separate q, k, v weights have no packed projection");
        }
        return Functional.linear(x, inProjWeight, inProjBias);
    }

    /** {@code (B, Lq, E)} ↦ {@code (B, H, Lq, hd)}. */
    Tensor projectQuery(Tensor query) {
        return splitHeads(projectQueryPacked(query), heads);
    }

    /** {@code (B, Lq, E)} ↦ {@code (B, Lq, E)}: the query product before the head split. */
    Tensor projectQueryPacked(Tensor query) {
        Tensor wq = inProjWeight != null ? inProjWeight.narrow(0, 0, embedDim) : qProjWeight;
        return Functional.linear(query, wq, biasPart(0, embedDim));
    }

    /**
     * Keys and values from one tensor over the stacked weight's key/value rows: {@code (B, Lk, E)} ↦
     * {@code (B, Lk, 2·kvDim)}, the keys' columns then the values', before the head split.
     */
    Tensor projectKeyValuePacked(Tensor memory) {
        if (inProjWeight == null) {
            throw new IllegalStateException("separate q, k, v weights have no packed key/value projection");
        }
        int kvDim = kvHeads * headDim;
        return Functional.linear(memory, inProjWeight.narrow(0, embedDim, 2 * kvDim), biasPart(embedDim, 2 * kvDim));
    }

    /** Keys {@code (B, Lk, kdim)} and values {@code (B, Lk, vdim)} ↦ two {@code (B, Hkv, Lk, hd)}. */
    Tensor[] projectKeyValue(Tensor key, Tensor value) {
        int kvDim = kvHeads * headDim;
        Tensor k;
        Tensor v;
        if (inProjWeight != null && key == value) {
            Tensor kv = projectKeyValuePacked(key);                                    // (B, Lk, 2·kvDim)
            k = kv.narrow(2, 0, kvDim);
            v = kv.narrow(2, kvDim, kvDim);
        } else {
            Tensor wk = inProjWeight != null ? inProjWeight.narrow(0, embedDim, kvDim) : kProjWeight;
            Tensor wv = inProjWeight != null ? inProjWeight.narrow(0, embedDim + kvDim, kvDim) : vProjWeight;
            k = Functional.linear(key, wk, biasPart(embedDim, kvDim));
            v = Functional.linear(value, wv, biasPart(embedDim + kvDim, kvDim));
        }
        return new Tensor[] {splitHeads(k, kvHeads), splitHeads(v, kvHeads)};
    }

    private Tensor biasPart(int from, int length) {
        return inProjBias == null ? null : inProjBias.narrow(0, from, length);
    }

    /** {@code (B, L, n·hd)} ↦ {@code (B, n, L, hd)} without copying. */
    private Tensor splitHeads(Tensor x, int n) {
        return x.reshape(x.size(0), x.size(1), n, headDim).transpose(1, 2);
    }
}
