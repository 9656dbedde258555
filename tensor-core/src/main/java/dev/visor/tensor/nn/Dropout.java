package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/**
 * Inverted dropout (Srivastava et al., 2014), as {@code torch.nn.Dropout}: active in training mode,
 * the identity in evaluation mode. Masks come from the module's own {@link Rng}, so a seed fixes
 * the sequence of masks.
 *
 * <pre>{@code
 * Dropout drop = new Dropout(0.1, rng.split());
 * Tensor y = drop.forward(x);       // training: zeros ~10 %, scales the rest by 1/0.9
 * }</pre>
 */
public final class Dropout extends Module implements Layer {
    private final double p;
    private final Rng rng;

    /**
     * @param p the probability of zeroing an element, in {@code [0, 1]}
     * @param rng the random source
     */
    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1] but got " + p);
        }
        this.p = p;
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, behavesAsTraining(), rng);
    }

    /**
     * {@code forward(relu(x))} as one op ({@link Functional#reluDropout}): the same values, gradients
     * and masks, with one array fewer each way.
     *
     * @param x the input
     * @return the dropped-out ReLU of {@code x}
     */
    public Tensor afterRelu(Tensor x) {
        return Functional.reluDropout(x, p, behavesAsTraining(), rng);
    }

    /**
     * {@code residual.add(forward(x))} as one op ({@link Functional#addDropout}): the same values,
     * gradients and masks, without the dropout's own result array.
     *
     * @param residual the residual stream
     * @param x the sub-layer's output
     * @return {@code residual + dropout(x)}
     */
    public Tensor addTo(Tensor residual, Tensor x) {
        return Functional.addDropout(residual, x, p, behavesAsTraining(), rng);
    }

    /**
     * The drop probability.
     *
     * @return the drop probability
     */
    public double p() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
