package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Layer;
import dev.visor.tensor.nn.Module;

/**
 * A normalisation over the feature dimension, applied around every sub-layer. The default is layer
 * normalisation (Ba et al., 2016), {@code y = (x − μ)/√(σ² + ε) · γ + β} with parameters
 * {@code weight} (γ) and {@code bias} (β), as {@code torch.nn.LayerNorm}; {@link #rms} gives RMSNorm
 * (Zhang and Sennrich, 2019), {@code y = x/√(mean(x²) + ε) · γ}. Bind a {@link NormFactory} to swap it
 * in a whole model.
 *
 * <pre>{@code
 * Norm norm = Norm.layerNorm(512, 1e-5);
 * Tensor y = norm.forward(x);                        // (batch, seq, 512)
 * }</pre>
 */
public abstract class Norm extends Module implements Layer {
    /** Creates a norm with nothing registered. */
    protected Norm() {}

    /**
     * Layer normalisation over {@code dModel} features with ε = {@code eps}, γ = 1, β = 0.
     *
     * @param dModel the model width {@code d_model}
     * @param eps the epsilon added for numerical stability
     * @return layer normalisation over {@code dModel} features with ε = {@code eps}, γ = 1, β = 0
     */
    public static Norm layerNorm(int dModel, double eps) {
        return new LayerNormalization(dModel, eps);
    }

    /**
     * RMSNorm over {@code dModel} features with ε = {@code eps}, γ = 1 (no bias).
     *
     * @param dModel the model width {@code d_model}
     * @param eps the epsilon added for numerical stability
     * @return rMSNorm over {@code dModel} features with ε = {@code eps}, γ = 1 (no bias)
     */
    public static Norm rms(int dModel, double eps) {
        return new RmsNorm(dModel, eps);
    }

    /** Normalises {@code x (..., dModel)} over its last dimension. */
    @Override
    public abstract Tensor forward(Tensor x);

    private static void check(int dModel, double eps) {
        if (dModel < 1) {
            throw new IllegalArgumentException("a norm needs dModel >= 1 but got " + dModel);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("a norm needs a finite eps > 0 but got " + eps);
        }
    }

    private static void checkInput(Tensor x, int dModel) {
        if (x.dim() == 0 || x.size(-1) != dModel) {
            throw new IllegalArgumentException("input of shape " + dev.visor.tensor.Shape.str(x.shape()) + " has "
                    + (x.dim() == 0 ? "no feature dimension" : x.size(-1) + " features") + " but the norm expects " + dModel);
        }
    }

    /** {@code torch.nn.LayerNorm(dModel, eps)}. */
    static final class LayerNormalization extends Norm {
        private final int dModel;
        private final double eps;
        private final Tensor weight;
        private final Tensor bias;

        LayerNormalization(int dModel, double eps) {
            check(dModel, eps);
            this.dModel = dModel;
            this.eps = eps;
            this.weight = registerParameter("weight", Tensor.ones(dModel));
            this.bias = registerParameter("bias", Tensor.zeros(dModel));
        }

        @Override
        public Tensor forward(Tensor x) {
            checkInput(x, dModel);
            return Functional.layerNorm(x, new int[] {dModel}, weight, bias, eps);
        }

        @Override
        protected String extraRepr() {
            return dModel + ", eps=" + eps;
        }
    }

    /** RMSNorm: {@code x / sqrt(mean(x²) + eps) · weight}. */
    static final class RmsNorm extends Norm {
        private final int dModel;
        private final double eps;
        private final Tensor weight;

        RmsNorm(int dModel, double eps) {
            check(dModel, eps);
            this.dModel = dModel;
            this.eps = eps;
            this.weight = registerParameter("weight", Tensor.ones(dModel));
        }

        @Override
        public Tensor forward(Tensor x) {
            checkInput(x, dModel);
            Tensor rms = x.mul(x).mean(-1, true).add((float) eps).sqrt();   // (..., 1)
            return x.div(rms).mul(weight);
        }

        @Override
        protected String extraRepr() {
            return "rms, " + dModel + ", eps=" + eps;
        }
    }
}
