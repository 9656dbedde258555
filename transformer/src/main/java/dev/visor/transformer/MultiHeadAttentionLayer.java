package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
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
 * AttentionLayer selfAttn = new MultiHeadAttentionLayer(mha, AttentionKernel.FLASH);
 * Tensor y = selfAttn.forward(x, x, masks.compile(spec, inputs.context(batch, 8, n, n, 0)));
 * }</pre>
 */
public final class MultiHeadAttentionLayer extends AttentionLayer {
    private final MultiHeadAttention attention;
    private final AttentionKernel kernel;

    /**
     * @param attention the multi-head attention (its parameters become this layer's)
     * @param kernel    how full-sequence calls are evaluated
     */
    public MultiHeadAttentionLayer(MultiHeadAttention attention, AttentionKernel kernel) {
        this.attention = inline("attention", Objects.requireNonNull(attention, "attention"));
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    @Override
    public Tensor forward(Tensor query, Tensor keyValue, CompiledMask mask) {
        return kernel.attend(attention, query, keyValue, mask);
    }

    @Override
    public Tensor forward(Tensor x, KvCache cache, CompiledMask mask) {
        return attention.forward(x, cache, mask);
    }

    @Override
    public MultiHeadAttention.KeysValues projectMemory(Tensor memory) {
        return attention.projectKeysValues(memory, memory);
    }

    @Override
    public Tensor forward(Tensor query, MultiHeadAttention.KeysValues memory, CompiledMask mask) {
        return attention.forward(query, memory, mask);
    }

    @Override
    public KvCache newCache(int batch) {
        return attention.newCache(batch);
    }

    @Override
    public int heads() {
        return attention.heads();
    }

    /**
     * The wrapped attention module.
     *
     * @return the multi-head attention whose parameters are this layer's (PyTorch names)
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
