package dev.visor.attention;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Init;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.nn.Module;
import java.util.Objects;

/**
 * Multi-head attention (Vaswani et al., 2017, §3.2.2) with pluggable masks, grouped key/value heads
 * and a KV cache:
 * <pre>
 *   MultiHead(Q, K, V) = Concat(head_1, …, head_H) W_O + b_O,
 *   head_i = Attention(Q W_Q,i + b_Q,i, K W_K,g(i) + b_K,g(i), V W_V,g(i) + b_V,g(i))
 * </pre>
 * where {@code Attention} is the block-sparse flash kernel under the call's mask and
 * {@code g(i) = i / (heads / kvHeads)} maps a query head to its key/value head (grouped-query
 * attention, Ainslie et al. 2023; {@code kvHeads == heads} is the paper's layer).
 *
 * <p><b>Parameters</b> are named and laid out as in {@code torch.nn.MultiheadAttention}, so a PyTorch
 * state dict loads directly: {@code in_proj_weight (3E, E)} holding W_Q, W_K, W_V row-stacked,
 * {@code in_proj_bias (3E)}, {@code out_proj.weight (E, E)}, {@code out_proj.bias (E)}; with key or
 * value dims other than {@code E}, {@code q_proj_weight}, {@code k_proj_weight}, {@code v_proj_weight}
 * replace {@code in_proj_weight}, as in PyTorch. With grouped heads the key and value blocks have
 * {@code kvHeads·headDim} rows instead of {@code E} (PyTorch has no such layer). Initialised as
 * PyTorch does: Xavier-uniform projections, zero biases.
 *
 * <p><b>Masks</b> are given compiled ({@link CompiledMask}, from a {@link MaskCompiler}: what a model
 * does, once per forward for all layers that share a spec), or, for convenience at the edges, as a
 * spec string plus the call's {@link MaskInputs}, compiled through the layer's {@link MaskCompiler}. Inputs are batch-first:
 * {@code query (batch, Lq, E)}, {@code key (batch, Lk, kdim)}, {@code value (batch, Lk, vdim)}.
 *
 * <p><b>Scores</b> are formed as the layer's score spec says ({@link MultiHeadAttentionBuilder#scores},
 * parsed once into {@link AttentionScores}): {@code rope(...)} rotates q and k once per call at their
 * absolute positions (so the KV cache holds rotated keys and cached decoding equals a full pass), and
 * a score modifier runs through {@link Attention#modified} with the queries' absolute offset; its
 * learnable table is the parameter {@code score_parameters}. Without a spec the plain kernel runs.
 *
 * <pre>{@code
 * MultiHeadAttention selfAttn = new MultiHeadAttention(512, 8, new Rng(1));
 * Tensor y = selfAttn.forward(x, x, x, "causal & padding", MaskInputs.none().withValidLengths(lengths));
 * KvCache cache = selfAttn.newCache(1);
 * Tensor step = selfAttn.forward(xt, cache, "causal", MaskInputs.none());   // one token at a time
 * }</pre>
 */
public final class MultiHeadAttention extends Module {
    /** The name of the learnable score-modifier parameters, when the score spec has any. */
    public static final String SCORE_PARAMETERS = "score_parameters";

    private final int embedDim;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int keyDim;
    private final int valueDim;
    private final float dropout;
    private final HeadProjections in;    // q, k, v projections over the registered in_proj / q,k,v_proj parameters
    private final Linear outProj;
    private final Rng dropoutSeeds;
    private MaskCompiler masks;          // resolves spec strings of the convenience calls; loaded on first use if not given
    private final ScoredAttention scored; // rope and/or score modifier with its parameters; null for plain attention

    /**
     * Self- or cross-attention over {@code embedDim} features in {@code heads} heads, with biases, no dropout.
     *
     * @param embedDim the model width
     * @param heads the number of (query) heads
     * @param rng the random source
     */
    public MultiHeadAttention(int embedDim, int heads, Rng rng) {
        this(builder(embedDim, heads), rng);
    }

    MultiHeadAttention(MultiHeadAttentionBuilder b, Rng rng) {
        Objects.requireNonNull(rng, "rng");
        if (b.embedDim < 1 || b.heads < 1 || b.embedDim % b.heads != 0) {
            throw new IllegalArgumentException("embedDim (" + b.embedDim + ") must be a positive multiple of heads ("
                    + b.heads + ")");
        }
        if (b.kvHeads < 1 || b.heads % b.kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + b.heads + ") must be a multiple of kvHeads (" + b.kvHeads + ")");
        }
        if (b.keyDim < 1 || b.valueDim < 1) {
            throw new IllegalArgumentException("key and value dims must be positive but got kdim=" + b.keyDim
                    + ", vdim=" + b.valueDim);
        }
        if (!(b.dropout >= 0 && b.dropout < 1)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1) but got " + b.dropout);
        }
        this.embedDim = b.embedDim;
        this.heads = b.heads;
        this.kvHeads = b.kvHeads;
        this.headDim = b.embedDim / b.heads;
        this.keyDim = b.keyDim;
        this.valueDim = b.valueDim;
        this.dropout = (float) b.dropout;
        this.masks = b.masks;
        int kvDim = kvHeads * headDim;
        if (keyDim == embedDim && valueDim == embedDim) {
            Tensor inProjWeight = registerParameter("in_proj_weight",
                    Init.xavierUniform(Tensor.alignedZeros(embedDim + 2 * kvDim, embedDim), 1.0, rng));
            Tensor inProjBias = b.bias ? registerParameter("in_proj_bias", Tensor.zeros(embedDim + 2 * kvDim)) : null;
            in = HeadProjections.stacked(heads, kvHeads, headDim, inProjWeight, inProjBias);
        } else {
            Tensor qProjWeight = registerParameter("q_proj_weight", Init.xavierUniform(Tensor.alignedZeros(embedDim, embedDim), 1.0, rng));
            Tensor kProjWeight = registerParameter("k_proj_weight", Init.xavierUniform(Tensor.alignedZeros(kvDim, keyDim), 1.0, rng));
            Tensor vProjWeight = registerParameter("v_proj_weight", Init.xavierUniform(Tensor.alignedZeros(kvDim, valueDim), 1.0, rng));
            Tensor inProjBias = b.bias ? registerParameter("in_proj_bias", Tensor.zeros(embedDim + 2 * kvDim)) : null;
            in = HeadProjections.separate(heads, kvHeads, headDim, qProjWeight, kProjWeight, vProjWeight, inProjBias);
        }
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, b.bias, rng));
        if (b.bias) {
            Init.zeros(outProj.bias());
        }
        this.dropoutSeeds = rng.split();
        this.scored = scored(b.scores);
    }

    /** The score part, its learnable table registered as {@code score_parameters}; null for plain attention. */
    private ScoredAttention scored(AttentionScores s) {
        if (s.isNone()) return null;
        if (s.rope() != null) s.rope().rotaryDims(headDim);   // fails now, naming the sizes, rather than at the first call
        Tensor theta = s.initialParameters();
        return new ScoredAttention(s, theta == null ? null : registerParameter(SCORE_PARAMETERS, theta));
    }

    /**
     * Starts configuring a layer of {@code embedDim} features in {@code heads} heads.
     *
     * @param embedDim the model width
     * @param heads the number of (query) heads
     * @return a builder with PyTorch's defaults (as many key/value heads as heads, bias, no dropout)
     */
    public static MultiHeadAttentionBuilder builder(int embedDim, int heads) {
        return new MultiHeadAttentionBuilder(embedDim, heads);
    }

    // ------------------------------------------------------------------ forward

    /**
     * Attention without a mask.
     *
     * @param query the queries
     * @param key the keys
     * @param value the value
     * @return attention without a mask
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, "full", MaskInputs.none());
    }

    /**
     * Attention under the mask {@code maskSpec} (a spec string of the registry) created from
     * {@code inputs} for this call's shape.
     *
     * @param query (batch, Lq, embedDim)
     * @param key   (batch, Lk, kdim)
     * @param value (batch, Lk, vdim)
     * @param maskSpec the mask spec, e.g. {@code "causal & padding"}
     * @param inputs the mask inputs of the call
     * @return (batch, Lq, embedDim)
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, String maskSpec, MaskInputs inputs) {
        checkInputs(query, key, value);
        if (packedAttention(query, key, value)) {
            return attendPacked(query, key, compile(maskSpec, inputs, query.size(0), query.size(1), key.size(1), 0));
        }
        Tensor[] qkv = in.project(query, key, value);
        BlockSparsity mask = compile(maskSpec, inputs, query.size(0), query.size(1), key.size(1), 0);
        return attend(rotate(qkv, 0, 0), mask, 0);
    }

    /**
     * Attention under an explicit mask object — e.g. a {@link TensorMask} (a boolean mask per batch and
     * head, or broadcast) or a composite of masks — compiled here for this call's shape with queries at
     * positions 0..Lq−1 (through the layer's {@link MaskCompiler}, so its cache serves repeats).
     *
     * @param query (batch, Lq, embedDim)
     * @param key   (batch, Lk, kdim)
     * @param value (batch, Lk, vdim)
     * @param mask  the mask, {@code true} = may attend
     * @return (batch, Lq, embedDim)
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Mask mask) {
        checkInputs(query, key, value);
        var shape = new dev.visor.mask.MaskShape(query.size(0), heads, query.size(1), key.size(1), 0);
        return forward(query, key, value, masks().compile(Objects.requireNonNull(mask, "mask"), shape));
    }

    /**
     * Attention under a mask already compiled for this call's shape
     * {@code (batch, heads, Lq, Lk)} (any block size).
     *
     * @param query the queries
     * @param key the keys
     * @param value the value
     * @param mask the mask
     * @return attention under a mask already compiled for this call's shape {@code (batch, heads, Lq, Lk)} (any block size)
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, CompiledMask mask) {
        checkInputs(query, key, value);
        checkShape(Objects.requireNonNull(mask, "mask"), query.size(0), query.size(1), key.size(1));
        if (packedAttention(query, key, value)) {
            return attendPacked(query, key, BlockSparsity.of(mask));
        }
        Tensor[] qkv = in.project(query, key, value);
        int offset = mask.shape().queryOffset();
        return attend(rotate(qkv, offset, 0), BlockSparsity.of(mask), offset);
    }

    /**
     * Incremental self-attention: projects the new positions {@code x (batch, n, embedDim)}, appends
     * their keys and values to {@code cache}, and attends from them (absolute positions
     * {@code cache.length()} before the append, onwards) over everything cached. Segment ids and
     * token ids in {@code inputs} must cover every cached position.
     *
     * @param x the input
     * @param cache the KV cache
     * @param maskSpec the mask spec, e.g. {@code "causal & padding"}
     * @param inputs the mask inputs of the call
     * @return (batch, n, embedDim)
     */
    public Tensor forward(Tensor x, KvCache cache, String maskSpec, MaskInputs inputs) {
        checkInputs(x, x, x);
        checkCache(x, cache);
        int offset = cache.length();
        Tensor[] qkv = rotate(in.project(x, x, x), offset, offset);   // the cache keeps keys rotated at their positions
        cache.append(qkv[1].detach(), qkv[2].detach());
        return attendCached(qkv[0], cache, compile(maskSpec, inputs, x.size(0), x.size(1), cache.length(), offset), offset);
    }

    /**
     * Incremental self-attention under a mask compiled for this step: queries at absolute positions
     * {@code cache.length()} (before the append) onwards, keys over everything cached after it, i.e.
     * shape {@code (batch, heads, n, cache.length() + n)} at query offset {@code cache.length()}.
     *
     * @param x the new positions {@code (batch, n, embedDim)}
     * @param cache this layer's KV cache, with {@code kvHeads} heads of {@code headDim}; grows by {@code n}
     * @param mask compiled for {@code (batch, heads, n, cache.length() + n)} at query offset {@code cache.length()}
     * @return (batch, n, embedDim)
     */
    public Tensor forward(Tensor x, KvCache cache, CompiledMask mask) {
        checkInputs(x, x, x);
        checkCache(x, cache);
        Objects.requireNonNull(mask, "mask");
        checkShape(mask, x.size(0), x.size(1), cache.length() + x.size(1));
        if (mask.shape().queryOffset() != cache.length()) {
            throw new IllegalArgumentException("the mask places the queries at " + mask.shape().queryOffset() + " but the cache holds "
                    + cache.length() + " positions");
        }
        int offset = cache.length();
        Tensor[] qkv = rotate(in.project(x, x, x), offset, offset);
        cache.append(qkv[1].detach(), qkv[2].detach());
        return attendCached(qkv[0], cache, BlockSparsity.of(mask), offset);
    }

    /**
     * Keys and values projected once, e.g. the encoder memory a decoder's cross-attention reads at
     * every step.
     *
     * @param keys   (batch, kvHeads, Lk, headDim)
     * @param values (batch, kvHeads, Lk, headDim)
     */
    public record KeysValues(Tensor keys, Tensor values) {}

    /**
     * Projects {@code key (batch, Lk, kdim)} and {@code value (batch, Lk, vdim)} once, for {@link #forward(Tensor, KeysValues, String, MaskInputs)}.
     *
     * @param key the keys
     * @param value the value
     * @return the projected keys and values
     */
    public KeysValues projectKeysValues(Tensor key, Tensor value) {
        Objects.requireNonNull(key, "key");
        if (scored != null && scored.scores().rope() != null) {
            throw new IllegalStateException("rope rotates self-attention queries and keys by position; keys projected"
                    + " for cross-attention have none (score spec " + scored.scores().spec() + ")");
        }
        checkInputs(Tensor.zeros(key.dim() == 3 ? key.size(0) : 1, 1, embedDim), key, value);
        Tensor[] kv = in.projectKeyValue(key, value);
        return new KeysValues(kv[0], kv[1]);
    }

    /**
     * Cross-attention from {@code query (batch, Lq, E)} over keys and values projected beforehand
     * (gradients still reach the projection's inputs), queries at positions 0..Lq−1.
     *
     * @param query the queries
     * @param memory the encoder output
     * @param maskSpec the mask spec, e.g. {@code "causal & padding"}
     * @param inputs the mask inputs of the call
     * @return (batch, Lq, embedDim)
     */
    public Tensor forward(Tensor query, KeysValues memory, String maskSpec, MaskInputs inputs) {
        int lk = checkProjected(query, memory);
        return attend(new Tensor[] {in.projectQuery(query), memory.keys(), memory.values()},
                compile(maskSpec, inputs, query.size(0), query.size(1), lk, 0), 0);
    }

    /**
     * Cross-attention over keys and values projected once ({@link #projectKeysValues}) under a mask
     * compiled for {@code (batch, heads, Lq, Lk)} at any query offset — what a decoder's step does at
     * every position, so the memory is projected once per source, not once per step and layer.
     *
     * @param query the new positions {@code (batch, Lq, embedDim)}
     * @param memory the projected keys and values, {@code (batch, kvHeads, Lk, headDim)} each
     * @param mask compiled for {@code (batch, heads, Lq, Lk)}; its query offset places the queries
     * @return (batch, Lq, embedDim)
     * @since 0.2
     */
    public Tensor forward(Tensor query, KeysValues memory, CompiledMask mask) {
        int lk = checkProjected(query, memory);
        checkShape(Objects.requireNonNull(mask, "mask"), query.size(0), query.size(1), lk);
        return attend(new Tensor[] {in.projectQuery(query), memory.keys(), memory.values()}, BlockSparsity.of(mask),
                mask.shape().queryOffset());
    }

    private int checkProjected(Tensor query, KeysValues memory) {
        return AttentionInputs.checkProjected(query, Objects.requireNonNull(memory, "memory").keys(), embedDim, kvHeads, headDim);
    }

    /**
     * An empty cache sized for this layer.
     *
     * @param batch the batch size
     * @return an empty cache sized for this layer
     */
    public KvCache newCache(int batch) {
        return new KvCache(batch, kvHeads, headDim);
    }

    /** The output and the attention weights of every head. */
    public record Weighted(Tensor output, Tensor weights) {}

    /**
     * Attention through the reference kernel, also returning the weights
     * {@code (batch, heads, Lq, Lk)} (before dropout; exactly 0 at masked keys) — for inspection and
     * visualisation. Gradients flow through the output.
     *
     * @param query the queries
     * @param key the keys
     * @param value the value
     * @param maskSpec the mask spec, e.g. {@code "causal & padding"}
     * @param inputs the mask inputs of the call
     * @return attention through the reference kernel, also returning the weights {@code (batch, heads, Lq, Lk)} (before dropout; exactly 0 at masked keys) — for inspection and visualisation
     */
    public Weighted forwardWithWeights(Tensor query, Tensor key, Tensor value, String maskSpec, MaskInputs inputs) {
        checkInputs(query, key, value);
        Tensor[] qkv = in.project(query, key, value);
        int b = query.size(0);
        MaskContext ctx = Objects.requireNonNull(inputs, "inputs").context(b, heads, query.size(1), key.size(1), 0);
        Mask mask = masks().registry().create(maskSpec == null ? "full" : maskSpec, ctx);
        return weighted(qkv, mask, scored == null ? null : BlockSparsity.of(masks().compile(mask, ctx)), 0, b, query.size(1));
    }

    /**
     * As {@link #forwardWithWeights(Tensor, Tensor, Tensor, String, MaskInputs)} under a mask compiled
     * for this call's shape (only its element predicate and query offset are used).
     *
     * @param query the queries {@code (batch, Lq, embedDim)}
     * @param key the keys {@code (batch, Lk, kdim)}
     * @param value the values {@code (batch, Lk, vdim)}
     * @param mask compiled for {@code (batch, heads, Lq, Lk)}
     * @return the output {@code (batch, Lq, embedDim)} and the weights {@code (batch, heads, Lq, Lk)}, exactly 0 at masked keys
     */
    public Weighted forwardWithWeights(Tensor query, Tensor key, Tensor value, CompiledMask mask) {
        checkInputs(query, key, value);
        checkShape(Objects.requireNonNull(mask, "mask"), query.size(0), query.size(1), key.size(1));
        Tensor[] qkv = in.project(query, key, value);
        return weighted(qkv, mask.mask(), BlockSparsity.of(mask), mask.shape().queryOffset(), query.size(0), query.size(1));
    }

    private Weighted weighted(Tensor[] qkv, Mask mask, BlockSparsity compiled, int offset, int b, int lq) {
        if (scored != null) {   // the weights after rotation and modification; the output by the kernel that trains
            Tensor[] r = scored.rotate(qkv, offset, 0);
            AttentionConfig cfg = config();
            return new Weighted(attend(r, compiled, offset), scored.weights(r, ElementMask.of(mask, offset), cfg, offset));
        }
        Attention.ReferenceResult r = Attention.reference(qkv[0], qkv[1], qkv[2], ElementMask.of(mask, offset), config());
        Tensor merged = r.output().transpose(1, 2).reshape(b, lq, embedDim);
        return new Weighted(outProj.forward(merged), r.weights());
    }

    private void checkShape(CompiledMask mask, int batch, int lq, int lk) {
        AttentionInputs.checkShape(mask, batch, heads, lq, lk);
    }

    // ------------------------------------------------------------------ parts

    /** Attention over q, k, v (already rotated), queries at {@code offset} onwards; the output projected. */
    private Tensor attend(Tensor[] qkv, BlockSparsity mask, int offset) {
        Tensor merged = scored == null
                ? Attention.flash(qkv[0], qkv[1], qkv[2], mask, config(), true).output()   // (batch, Lq, E)
                : scored.attend(qkv, mask, config(), offset);
        return outProj.forward(merged);
    }

    /**
     * Plain attention over the row-stacked weight with keys and values from one tensor: the flash
     * kernel reads q, k and v in place in the products and writes their gradients into one array of
     * each product's layout ({@link Attention#flashProjected}), instead of head-split views whose
     * gradients are each copied out of a transpose and embedded into a zero tensor of the product's
     * width, then summed. Rope and score modifiers rotate or modify per head, so they keep the views.
     */
    private boolean packedAttention(Tensor query, Tensor key, Tensor value) {
        return scored == null && key == value && in.packs();
    }

    /**
     * {@link #packedAttention}'s path, for self-attention ({@code query == key}: one product) and
     * cross-attention over one memory (two products: the queries', the keys' and values'); no rope, so
     * the mask's query offset only places the mask.
     */
    private Tensor attendPacked(Tensor query, Tensor memory, BlockSparsity mask) {
        Tensor q = query == memory ? in.projectPacked(query) : in.projectQueryPacked(query);
        Tensor kv = query == memory ? q : in.projectKeyValuePacked(memory);
        return outProj.forward(Attention.flashProjected(q, kv, heads, kvHeads, headDim, mask, config()));
    }

    private Tensor[] rotate(Tensor[] qkv, int queryStart, int keyStart) {
        return scored == null ? qkv : scored.rotate(qkv, queryStart, keyStart);
    }

    /**
     * Queries {@code (B, H, n, hd)} at {@code offset} onwards over everything cached: read in place from
     * the cache when decoding without score modifiers, else through {@link #attend}.
     */
    private Tensor attendCached(Tensor q, KvCache cache, BlockSparsity mask, int offset) {
        AttentionConfig cfg = config();
        if (scored != null && scored.modifies() || !DecodeAttention.applies(q, cfg)) {
            return attend(new Tensor[] {q, cache.keys(), cache.values()}, mask, offset);
        }
        float[] merged = DecodeAttention.forward(HeadsView.of(q), cache, mask, cfg.scale());
        return outProj.forward(Tensor.wrap(merged, q.size(0), q.size(2), embedDim));
    }

    private AttentionConfig config() {
        AttentionConfig cfg = AttentionConfig.defaults(headDim);
        return behavesAsTraining() && dropout > 0 ? cfg.withDropout(dropout, dropoutSeeds.onThisThread().nextLong()) : cfg;
    }

    private BlockSparsity compile(String spec, MaskInputs inputs, int batch, int lq, int lk, int offset) {
        MaskContext ctx = Objects.requireNonNull(inputs, "inputs").context(batch, heads, lq, lk, offset);
        MaskCompiler m = masks();
        return BlockSparsity.of(m.compile(m.registry().create(spec == null ? "full" : spec, ctx), ctx));
    }

    private synchronized MaskCompiler masks() {
        if (masks == null) masks = MaskCompiler.load();
        return masks;
    }

    private void checkCache(Tensor x, KvCache cache) {
        AttentionInputs.checkCache(x, Objects.requireNonNull(cache, "cache"), kvHeads, headDim);
    }

    private void checkInputs(Tensor query, Tensor key, Tensor value) {
        AttentionInputs.check(query, key, value, embedDim, keyDim, valueDim);
    }

    // ------------------------------------------------------------------ accessors

    /** @return features of queries and outputs ({@code E}) */
    public int embedDim() {
        return embedDim;
    }

    /** @return number of query heads */
    public int heads() {
        return heads;
    }

    /** @return number of key/value heads (equal to {@link #heads()} unless grouped) */
    public int kvHeads() {
        return kvHeads;
    }

    /** @return features per head, {@code E / heads} */
    public int headDim() {
        return headDim;
    }

    /** @return its rope and score modifier, {@link AttentionScores#NONE} for plain attention */
    public AttentionScores scores() {
        return scored == null ? AttentionScores.NONE : scored.scores();
    }

    /** @return the output projection ({@code out_proj}) */
    public Linear outProj() {
        return outProj;
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", heads=" + heads + (kvHeads != heads ? ", kv_heads=" + kvHeads : "")
                + (keyDim != embedDim ? ", kdim=" + keyDim : "") + (valueDim != embedDim ? ", vdim=" + valueDim : "")
                + ", bias=" + in.hasBias() + (dropout > 0 ? ", dropout=" + dropout : "")
                + (scored != null ? ", scores=" + scored.scores().spec() : "");
    }
}
