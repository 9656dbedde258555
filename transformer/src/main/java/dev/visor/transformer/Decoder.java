package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MaskInputs;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Module;
import dev.visor.tensor.nn.ModuleList;
import java.util.List;
import java.util.Objects;

/**
 * A stack of {@code N} {@link DecoderLayer}s followed by a final norm, as {@code torch.nn.TransformerDecoder}
 * with {@code norm} ({@code layers.0.*}, ..., {@code norm.*}); per-layer self- and cross-attention mask
 * specs. {@link #step} runs new positions on per-layer KV caches for incremental decoding.
 *
 * <pre>{@code
 * Tensor h = decoder.forward(y, memory, selfInputs, crossInputs);          // (batch, Lt, dModel)
 * }</pre>
 */
public final class Decoder extends Module {
    private final ModuleList<DecoderLayer> layers;
    private final Norm norm;
    private final SiteMasks selfMasks;
    private final SiteMasks crossMasks;

    /**
     * @param layers     the layers, in order
     * @param norm       the final norm
     * @param selfMasks  the self-attention mask of each layer
     * @param crossMasks the source-attention mask of each layer (ignored by layers without source attention)
     */
    public Decoder(List<DecoderLayer> layers, Norm norm, SiteMasks selfMasks, SiteMasks crossMasks) {
        Objects.requireNonNull(layers, "layers");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a decoder needs at least one layer");
        }
        if (selfMasks.layers() != layers.size() || crossMasks.layers() != layers.size()) {
            throw new IllegalArgumentException(selfMasks.layers() + " self and " + crossMasks.layers() + " cross mask specs given for "
                    + layers.size() + " decoder layers");
        }
        this.layers = registerModule("layers", new ModuleList<>(layers));
        this.norm = registerModule("norm", Objects.requireNonNull(norm, "norm"));
        this.selfMasks = selfMasks;
        this.crossMasks = crossMasks;
    }

    /**
     * Decodes {@code y (batch, Lt, dModel)} attending to {@code memory (batch, Ls, dModel)} (or
     * {@code null} for a decoder-only stack).
     *
     * @param y the target-side input
     * @param memory the encoder output
     * @param selfInputs the mask inputs of the self-attention
     * @param crossInputs the mask inputs of the cross-attention
     * @return the decoded positions, {@code (batch, Lt, dModel)}
     */
    public Tensor forward(Tensor y, Tensor memory, MaskInputs selfInputs, MaskInputs crossInputs) {
        int batch = y.size(0);
        int n = y.size(1);
        int heads = layers.get(0).selfAttn().heads();
        CompiledMask[] self = selfMasks.compile(selfInputs.context(batch, heads, n, n, 0));
        CompiledMask[] cross = memory == null ? null : crossMasks.compile(crossInputs.context(batch, heads, n, memory.size(1), 0));
        for (int i = 0; i < layers.size(); i++) {
            y = layers.get(i).forward(y, memory, self[i], cross == null ? null : cross[i]);
        }
        return norm.forward(y);
    }

    /**
     * Runs new positions {@code y (batch, n, dModel)} at absolute positions {@code offset..}, one KV cache per layer.
     *
     * @param y the target-side input
     * @param caches one KV cache per layer
     * @param memory the encoder output
     * @param selfInputs the mask inputs of the self-attention
     * @param crossInputs the mask inputs of the cross-attention
     * @param offset the offset
     * @return the new positions' outputs, {@code (batch, n, dModel)}
     */
    public Tensor step(Tensor y, KvCache[] caches, Tensor memory, MaskInputs selfInputs, MaskInputs crossInputs, int offset) {
        return step(y, caches, memory, null, selfInputs, crossInputs, offset);
    }

    /**
     * As {@link #step(Tensor, KvCache[], Tensor, MaskInputs, MaskInputs, int)}, the source attention
     * of each layer reading the keys and values {@link #projectMemory} made once for this source.
     *
     * @param y the target-side input
     * @param caches one KV cache per layer
     * @param memory the encoder output, or {@code null} for a decoder-only stack
     * @param projected one projected memory per layer ({@code null} entries project {@code memory} at
     *        this step), or {@code null} for none
     * @param selfInputs the mask inputs of the self-attention
     * @param crossInputs the mask inputs of the cross-attention
     * @param offset the absolute position of the first new token
     * @return the new positions' outputs, {@code (batch, n, dModel)}
     * @since 0.2
     */
    public Tensor step(Tensor y, KvCache[] caches, Tensor memory, MultiHeadAttention.KeysValues[] projected,
                       MaskInputs selfInputs, MaskInputs crossInputs, int offset) {
        if (caches.length != layers.size() || (projected != null && projected.length != layers.size())) {
            throw new IllegalArgumentException(caches.length + " caches and " + (projected == null ? "no" : projected.length)
                    + " projected memories given for " + layers.size() + " layers");
        }
        int batch = y.size(0);
        int n = y.size(1);
        int heads = layers.get(0).selfAttn().heads();
        CompiledMask[] self = selfMasks.compile(selfInputs.context(batch, heads, n, offset + n, offset));
        CompiledMask[] cross = memory == null ? null
                : crossMasks.compile(crossInputs.context(batch, heads, n, memory.size(1), offset));
        for (int i = 0; i < layers.size(); i++) {
            y = layers.get(i).step(y, caches[i], memory, projected == null ? null : projected[i], self[i],
                    cross == null ? null : cross[i]);
        }
        return norm.forward(y);
    }

    /**
     * Each layer's source-attention keys and values of {@code memory}, projected once for the
     * incremental steps over this source.
     *
     * @param memory the encoder output {@code (batch, Ls, dModel)}
     * @return one entry per layer: its projected memory, or {@code null} for a layer without source
     *         attention or whose attention does not project ahead
     * @since 0.2
     */
    public MultiHeadAttention.KeysValues[] projectMemory(Tensor memory) {
        Objects.requireNonNull(memory, "memory");
        MultiHeadAttention.KeysValues[] out = new MultiHeadAttention.KeysValues[layers.size()];
        for (int i = 0; i < out.length; i++) {
            AttentionLayer src = layers.get(i).srcAttn();
            out[i] = src == null ? null : src.projectMemory(memory);
        }
        return out;
    }

    /**
     * Fresh, empty KV caches for {@code batch} rows, one per layer.
     *
     * @param batch the batch size
     * @return fresh, empty KV caches for {@code batch} rows, one per layer
     */
    public KvCache[] newCaches(int batch) {
        KvCache[] caches = new KvCache[layers.size()];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = layers.get(i).selfAttn().newCache(batch);
        }
        return caches;
    }

    /**
     * The layers.
     *
     * @return the layers
     */
    public List<DecoderLayer> layers() {
        return java.util.stream.StreamSupport.stream(layers.spliterator(), false).toList();
    }

    /**
     * The self-attention mask spec of each layer, canonical.
     *
     * @return one canonical spec per layer, in layer order (per-layer overrides applied)
     */
    public List<String> selfSpecs() {
        return selfMasks.specStrings();
    }

    /**
     * The source-attention mask spec of each layer, canonical.
     *
     * @return one canonical spec per layer, in layer order (per-layer overrides applied)
     */
    public List<String> crossSpecs() {
        return crossMasks.specStrings();
    }
}
