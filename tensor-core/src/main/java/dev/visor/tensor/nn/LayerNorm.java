package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Layer normalisation over the trailing {@code normalizedShape} dimensions (Ba et al., 2016), as
 * {@code torch.nn.LayerNorm}: weight initialised to ones and bias to zeros, {@code eps = 1e-5} by
 * default, biased variance.
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(512);
 * Tensor y = norm.forward(x);                               // (batch, seq, 512)
 * }</pre>
 */
public final class LayerNorm extends Module implements Layer {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * Normalises over the last dimensions {@code normalizedShape} with eps 1e-5 and a learned affine map.
     *
     * @param normalizedShape the trailing shape normalised over
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    /**
     * @param eps               added to the variance, finite and ≥ 0
     * @param elementwiseAffine whether to learn a weight and bias
     * @param normalizedShape the trailing shape normalised over
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        Objects.requireNonNull(normalizedShape, "normalizedShape");
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("LayerNorm needs a non-empty normalizedShape of positive sizes but got "
                    + Arrays.toString(normalizedShape));
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm eps must be finite and >= 0 but got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /**
     * The learned scale, or {@code null} without an affine map.
     *
     * @return the learned scale, or {@code null} without an affine map
     */
    public Tensor weight() {
        return weight;
    }

    /**
     * The learned shift, or {@code null} without an affine map.
     *
     * @return the learned shift, or {@code null} without an affine map
     */
    public Tensor bias() {
        return bias;
    }

    /**
     * A copy of the normalised trailing shape.
     *
     * @return a copy of the normalised trailing shape
     */
    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    /**
     * The epsilon added to the variance.
     *
     * @return the epsilon added to the variance
     */
    public double eps() {
        return eps;
    }

    @Override
    protected String extraRepr() {
        return Arrays.toString(normalizedShape) + ", eps=" + eps + ", affine=" + (weight != null);
    }
}
