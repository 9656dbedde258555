package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * A parameter-free element-wise layer (ReLU, GELU) for use in a {@link Sequential}.
 *
 * <pre>{@code
 * Sequential ff = new Sequential(new Linear(512, 2048, rng), Activation.relu(), new Linear(2048, 512, rng));
 * }</pre>
 */
public final class Activation extends Module implements Layer {
    private final String name;
    private final UnaryOperator<Tensor> fn;

    private Activation(String name, UnaryOperator<Tensor> fn) {
        this.name = name;
        this.fn = fn;
    }

    /**
     * {@link Functional#relu}.
     *
     * @return {@link Functional#relu}
     */
    public static Activation relu() {
        return new Activation("ReLU", Functional::relu);
    }

    /**
     * {@link Functional#gelu} (exact).
     *
     * @return {@link Functional#gelu} (exact)
     */
    public static Activation gelu() {
        return new Activation("GELU", Functional::gelu);
    }

    /**
     * {@link Functional#geluTanh} (tanh approximation).
     *
     * @return {@link Functional#geluTanh} (tanh approximation)
     */
    public static Activation geluTanh() {
        return new Activation("GELU(tanh)", Functional::geluTanh);
    }

    @Override
    public Tensor forward(Tensor x) {
        return fn.apply(x);
    }

    @Override
    public String toString() {
        return name + "()";
    }
}
