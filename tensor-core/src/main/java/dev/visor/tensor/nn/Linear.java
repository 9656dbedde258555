package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/**
 * An affine map {@code y = x·Wᵀ + b}, as {@code torch.nn.Linear}: {@code weight} is
 * {@code (outFeatures, inFeatures)} and {@code bias} is {@code (outFeatures)}. Initialised as in
 * PyTorch: weight and bias uniform in {@code ±1/sqrt(inFeatures)} (Kaiming-uniform with
 * {@code a = √5}), drawn in that order from the given {@link Rng}.
 *
 * <pre>{@code
 * Linear proj = new Linear(512, 2048, new Rng(1));
 * Tensor h = proj.forward(x);                               // (batch, seq, 2048)
 * }</pre>
 */
public final class Linear extends Module implements Layer {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with a bias.
     *
     * @param inFeatures the input features
     * @param outFeatures the output features
     * @param rng the random source
     */
    public Linear(int inFeatures, int outFeatures, Rng rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    /**
     * A layer with or without a bias.
     *
     * @param inFeatures the input features
     * @param outFeatures the output features
     * @param bias the bias
     * @param rng the random source
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear needs inFeatures >= 1 and outFeatures >= 1 but got inFeatures="
                    + inFeatures + ", outFeatures=" + outFeatures);
        }
        Objects.requireNonNull(rng, "rng");
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        double bound = 1.0 / Math.sqrt(inFeatures);
        this.weight = registerParameter("weight", Init.uniform(Tensor.alignedZeros(outFeatures, inFeatures), -bound, bound, rng));
        this.bias = bias ? registerParameter("bias", Init.uniform(Tensor.zeros(outFeatures), -bound, bound, rng)) : null;
    }

    /**
     * A layer over existing tensors, e.g. to tie an output projection to an embedding table:
     * {@code new Linear(embedding.weight(), null)}. {@code bias} may be {@code null}.
     *
     * @param weight the weight
     * @param bias the bias
     */
    public Linear(Tensor weight, Tensor bias) {
        Objects.requireNonNull(weight, "weight");
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("Linear weight must be (outFeatures, inFeatures) but has shape " + Shape.str(weight.shape()));
        }
        this.outFeatures = weight.size(0);
        this.inFeatures = weight.size(1);
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outFeatures)) {
            throw new IllegalArgumentException("Linear bias has shape " + Shape.str(bias.shape()) + " but the weight "
                    + Shape.str(weight.shape()) + " needs [" + outFeatures + "]");
        }
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
    }

    /** {@code x (..., inFeatures)} ↦ {@code (..., outFeatures)}. */
    @Override
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "x");
        if (x.dim() == 0 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("input of shape " + Shape.str(x.shape()) + " has "
                    + (x.dim() == 0 ? "no feature dimension" : x.size(-1) + " features") + " but the layer expects " + inFeatures);
        }
        return Functional.linear(x, weight, bias);
    }

    /**
     * The weight {@code (outFeatures, inFeatures)}.
     *
     * @return the weight {@code (outFeatures, inFeatures)}
     */
    public Tensor weight() {
        return weight;
    }

    /**
     * The bias {@code (outFeatures)}, or {@code null}.
     *
     * @return the bias {@code (outFeatures)}, or {@code null}
     */
    public Tensor bias() {
        return bias;
    }

    /**
     * Size of each input's last dimension.
     *
     * @return size of each input's last dimension
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * Size of each output's last dimension.
     *
     * @return size of each output's last dimension
     */
    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in=" + inFeatures + ", out=" + outFeatures + ", bias=" + (bias != null);
    }
}
