package dev.visor.transformer;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Linear;
import java.util.Objects;

/**
 * The position-wise feed-forward network of Vaswani et al. (2017), eq. 2:
 * {@code FFN(x) = max(0, x·W1 + b1)·W2 + b2}, with {@code W1 (dModel → dFF)}, {@code W2 (dFF → dModel)},
 * ReLU or GELU, and dropout on the hidden activations as in {@code torch.nn.TransformerEncoderLayer}.
 * Children are named as PyTorch's layer names them: {@code linear1}, {@code dropout}, {@code linear2}.
 *
 * <pre>{@code
 * FeedForward ff = new PositionwiseFeedForward(512, 2048, TransformerConfig.Activation.RELU, 0.1, rng);
 * Tensor y = ff.forward(x);                                   // (batch, seq, 512)
 * }</pre>
 */
public final class PositionwiseFeedForward extends FeedForward {
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final TransformerConfig.Activation activation;

    /**
     * A network {@code dModel → dFF → dModel} whose weights are drawn from {@code rng}.
     *
     * @param dModel the model width {@code d_model}
     * @param dFF the inner width of the feed-forward network
     * @param activation the activation
     * @param dropout the dropout probability
     * @param rng the random source
     */
    public PositionwiseFeedForward(int dModel, int dFF, TransformerConfig.Activation activation, double dropout, Rng rng) {
        Objects.requireNonNull(rng, "rng");
        this.activation = Objects.requireNonNull(activation, "activation");
        this.linear1 = registerModule("linear1", new Linear(dModel, dFF, rng));
        this.dropout = registerModule("dropout", new Dropout(dropout, rng.split()));
        this.linear2 = registerModule("linear2", new Linear(dFF, dModel, rng));
    }

    /**
     * The default factory: widths, activation and dropout from the config.
     *
     * @return the default factory: widths, activation and dropout from the config
     */
    public static FeedForwardFactory factory() {
        return (cfg, rng) -> new PositionwiseFeedForward(cfg.dModel(), cfg.dFF(), cfg.activation(), cfg.dropout(), rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != linear1.inFeatures()) {
            throw new IllegalArgumentException("input of shape " + Shape.str(x.shape()) + " has "
                    + (x.dim() == 0 ? "no feature dimension" : x.size(-1) + " features")
                    + " but the feed-forward network expects " + linear1.inFeatures());
        }
        Tensor h = linear1.forward(x);                              // (batch, seq, dFF)
        // ReLU and dropout as one op: the same bits as dropout.forward(relu(h)), one array fewer each way
        h = activation == TransformerConfig.Activation.RELU ? dropout.afterRelu(h) : dropout.forward(Functional.gelu(h));
        return linear2.forward(h);                                  // (batch, seq, dModel)
    }

    /**
     * The first projection {@code dModel → dFF}.
     *
     * @return the first projection {@code dModel → dFF}
     */
    public Linear linear1() {
        return linear1;
    }

    /**
     * The second projection {@code dFF → dModel}.
     *
     * @return the second projection {@code dFF → dModel}
     */
    public Linear linear2() {
        return linear2;
    }

    @Override
    protected String extraRepr() {
        return activation.key();
    }
}
