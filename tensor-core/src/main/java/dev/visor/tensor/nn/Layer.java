package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;

/**
 * A module with one tensor in and one tensor out, so that it can be stacked in a
 * {@link Sequential}. {@link Linear}, {@link LayerNorm}, {@link Dropout} and {@link Activation}
 * are layers; {@link Embedding} (which takes indices) is not.
 */
@FunctionalInterface
public interface Layer {
    /**
     * Applies the layer to {@code input}.
     *
     * @param input the input
     * @return the layer's output
     */
    Tensor forward(Tensor input);
}
