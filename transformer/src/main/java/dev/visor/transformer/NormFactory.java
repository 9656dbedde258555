package dev.visor.transformer;

/**
 * Makes the normalisation layers of a model, one per use ({@code norm1}, {@code norm2}, the final
 * {@code encoder.norm}, ...). Bind another one to change every norm of a model at once:
 *
 * <pre>{@code
 * Modules.override(new TransformerModule(cfg)).with(b -> b.bind(NormFactory.class).toInstance(Norm::rms));
 * }</pre>
 */
@FunctionalInterface
public interface NormFactory {
    /**
     * A fresh norm over {@code dModel} features with epsilon {@code eps}.
     *
     * @param dModel the model width {@code d_model}
     * @param eps the epsilon added for numerical stability
     * @return a fresh norm over {@code dModel} features with epsilon {@code eps}
     */
    Norm create(int dModel, double eps);
}
