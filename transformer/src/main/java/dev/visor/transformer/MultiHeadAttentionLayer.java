package dev.visor.transformer;

import dev.visor.attention.FlashAttention;
import dev.visor.attention.KvCache;
import dev.visor.attention.MaskInputs;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMaskCache;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/**
 * The default attention sub-layer: {@link MultiHeadAttention} (Vaswani et al., 2017, §3.2.2) run by
 * an {@link AttentionKernel}. The attention module's parameters are inlined, so a layer's names are
 * PyTorch's: {@code self_attn.in_proj_weight}, {@code self_attn.in_proj_bias},
 * {@code self_attn.out_proj.weight}, {@code self_attn.out_proj.bias}.
 *
 * <pre>{@code
 * MultiHeadAttention mha = MultiHeadAttention.builder(512, 8).dropout(0.1).build(rng);
 * AttentionLayer selfAttn = new MultiHeadAttentionLayer(mha, AttentionKernel.FLASH, MaskRegistry.load());
 * Tensor y = selfAttn.forward(x, x, "padding", MaskInputs.none().withValidLengths(lengths), 0);
 * }</pre>
 */
public final class MultiHeadAttentionLayer extends AttentionLayer {
    private final MultiHeadAttention attention;
    private final AttentionKernel kernel;
    private final MaskRegistry registry;

    /**
     * @param attention the multi-head attention (its parameters become this layer's)
     * @param kernel    how full-sequence calls are evaluated
     * @param registry  the registry that resolves mask specs for calls with a query offset (must be
     *                  the one {@code attention} was built with)
     */
    public MultiHeadAttentionLayer(MultiHeadAttention attention, AttentionKernel kernel, MaskRegistry registry) {
        this.attention = inline("attention", Objects.requireNonNull(attention, "attention"));
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Tensor forward(Tensor query, Tensor keyValue, String maskSpec, MaskInputs inputs, int queryOffset) {
        if (queryOffset == 0) {
            return kernel.attend(attention, query, keyValue, maskSpec, inputs);
        }
        if (queryOffset < 0) {
            throw new IllegalArgumentException("query offset must be >= 0 but got " + queryOffset);
        }
        // the attention module places full-sequence queries at 0; compile the mask at the offset instead
        MaskContext ctx = inputs.context(query.size(0), attention.heads(), query.size(1), keyValue.size(1), queryOffset);
        var compiled = CompiledMaskCache.shared().get(registry.create(maskSpec, ctx), ctx.shape(),
                FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK);
        return attention.forward(query, keyValue, keyValue, compiled);
    }

    @Override
    public Tensor forward(Tensor x, KvCache cache, String maskSpec, MaskInputs inputs) {
        return attention.forward(x, cache, maskSpec, inputs);
    }

    @Override
    public KvCache newCache(int batch) {
        return attention.newCache(batch);
    }

    /**
     * The wrapped attention module.
     *
     * @return the wrapped attention module
     */
    public MultiHeadAttention attention() {
        return attention;
    }

    /**
     * The kernel full-sequence calls run on.
     *
     * @return the kernel full-sequence calls run on
     */
    public AttentionKernel kernel() {
        return kernel;
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + attention.embedDim() + ", heads=" + attention.heads()
                + (attention.kvHeads() != attention.heads() ? ", kv_heads=" + attention.kvHeads() : "");
    }
}
