package dev.visor.transformer;

import dev.visor.attention.MaskInputs;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Module;
import dev.visor.tensor.nn.ModuleList;
import java.util.List;
import java.util.Objects;

/**
 * A stack of {@code N} {@link EncoderLayer}s followed by a final norm, as {@code torch.nn.TransformerEncoder}
 * with {@code norm} ({@code layers.0.*}, ..., {@code norm.*}). Layer {@code i} attends under
 * {@code masks.spec(i)}, so layers may use different masks (e.g. alternating local and global); each
 * distinct spec is compiled once per forward.
 *
 * <pre>{@code
 * Encoder encoder = new Encoder(layers, Norm.layerNorm(512, 1e-5), SiteMasks.of(compiler, Collections.nCopies(6, "padding")));
 * Tensor memory = encoder.forward(x, MaskInputs.none().withValidLengths(lengths));   // (batch, Ls, 512)
 * }</pre>
 */
public final class Encoder extends Module {
    private final ModuleList<EncoderLayer> layers;
    private final Norm norm;
    private final SiteMasks masks;

    /**
     * @param layers    the layers, in order
     * @param norm      the final norm (PyTorch's {@code nn.Transformer} always has one; with pre-norm it
     *                  normalises the residual stream, with post-norm it is an extra normalisation)
     * @param masks     the self-attention mask of each layer
     */
    public Encoder(List<EncoderLayer> layers, Norm norm, SiteMasks masks) {
        Objects.requireNonNull(layers, "layers");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an encoder needs at least one layer");
        }
        if (masks.layers() != layers.size()) {
            throw new IllegalArgumentException(masks.layers() + " mask specs given for " + layers.size() + " encoder layers");
        }
        this.layers = registerModule("layers", new ModuleList<>(layers));
        this.norm = registerModule("norm", Objects.requireNonNull(norm, "norm"));
        this.masks = masks;
    }

    /**
     * Encodes {@code x (batch, Ls, dModel)}.
     *
     * @param x the input
     * @param inputs the mask inputs of the call
     * @return the memory {@code (batch, Ls, dModel)}
     */
    public Tensor forward(Tensor x, MaskInputs inputs) {
        int n = x.size(1);
        CompiledMask[] compiled = masks.compile(inputs.context(x.size(0), layers.get(0).selfAttn().heads(), n, n, 0));
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, compiled[i]);
        }
        return norm.forward(x);
    }

    /**
     * The layers.
     *
     * @return the layers
     */
    public List<EncoderLayer> layers() {
        return java.util.stream.StreamSupport.stream(layers.spliterator(), false).toList();
    }

    /**
     * The self-attention mask spec of each layer, canonical.
     *
     * @return one canonical spec per layer, in layer order (per-layer overrides applied)
     */
    public List<String> maskSpecs() {
        return masks.specStrings();
    }
}
