package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MaskInputs;
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
    private final List<String> selfSpecs;
    private final List<String> crossSpecs;

    /**
     * @param layers     the layers, in order
     * @param norm       the final norm
     * @param selfSpecs  one self-attention mask spec per layer
     * @param crossSpecs one source-attention mask spec per layer (ignored by layers without source attention)
     */
    public Decoder(List<DecoderLayer> layers, Norm norm, List<String> selfSpecs, List<String> crossSpecs) {
        Objects.requireNonNull(layers, "layers");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a decoder needs at least one layer");
        }
        if (selfSpecs.size() != layers.size() || crossSpecs.size() != layers.size()) {
            throw new IllegalArgumentException(selfSpecs.size() + " self and " + crossSpecs.size() + " cross mask specs given for "
                    + layers.size() + " decoder layers");
        }
        this.layers = registerModule("layers", new ModuleList<>(layers));
        this.norm = registerModule("norm", Objects.requireNonNull(norm, "norm"));
        this.selfSpecs = List.copyOf(selfSpecs);
        this.crossSpecs = List.copyOf(crossSpecs);
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
        for (int i = 0; i < layers.size(); i++) {
            y = layers.get(i).forward(y, memory, selfSpecs.get(i), selfInputs, crossSpecs.get(i), crossInputs);
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
        if (caches.length != layers.size()) {
            throw new IllegalArgumentException(caches.length + " caches given for " + layers.size() + " layers");
        }
        for (int i = 0; i < layers.size(); i++) {
            y = layers.get(i).step(y, caches[i], memory, selfSpecs.get(i), selfInputs, crossSpecs.get(i), crossInputs, offset);
        }
        return norm.forward(y);
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
     * The self-attention mask spec of each layer.
     *
     * @return the self-attention mask spec of each layer
     */
    public List<String> selfSpecs() {
        return selfSpecs;
    }

    /**
     * The source-attention mask spec of each layer.
     *
     * @return the source-attention mask spec of each layer
     */
    public List<String> crossSpecs() {
        return crossSpecs;
    }
}
