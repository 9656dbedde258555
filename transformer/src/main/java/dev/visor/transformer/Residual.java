package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import dev.visor.tensor.nn.Layer;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a sub-layer (attention or feed-forward) joins the residual stream, i.e. where its norm sits.
 * The paper's post-norm (§3.1, §5.4): {@code LayerNorm(x + Dropout(Sublayer(x)))}; pre-norm (Xiong et
 * al., 2020; GPT-2): {@code x + Dropout(Sublayer(LayerNorm(x)))} — norm first, as opposed to last,
 * which leaves the residual path unnormalised and trains deep stacks without warm-up. Bind another
 * {@code Residual} to try a different arrangement in every layer of a model.
 *
 * <pre>{@code
 * Tensor y = Residual.PRE_NORM.apply(x, norm1, dropout1, h -> selfAttn.forward(h, h, mask));
 * }</pre>
 */
@FunctionalInterface
public interface Residual {
    /**
     * Applies {@code sublayer} to {@code x} with {@code norm} and {@code dropout} arranged around the
     * residual connection.
     *
     * @param x        the residual stream {@code (batch, seq, dModel)}
     * @param norm     this sub-layer's norm
     * @param dropout  the dropout on the sub-layer's output
     * @param sublayer the attention or feed-forward computation
     * @return the new residual stream, shaped like {@code x}
     */
    Tensor apply(Tensor x, Layer norm, Layer dropout, UnaryOperator<Tensor> sublayer);

    /** {@code norm(x + dropout(sublayer(x)))}: the paper's arrangement. */
    Residual POST_NORM = (x, norm, dropout, sublayer) -> norm.forward(addDropout(x, dropout, sublayer.apply(x)));

    /** {@code x + dropout(sublayer(norm(x)))}: norm first, as opposed to last. */
    Residual PRE_NORM = (x, norm, dropout, sublayer) -> addDropout(x, dropout, sublayer.apply(norm.forward(x)));

    /**
     * {@code x + dropout.forward(y)}; with the built-in {@link Dropout} as one op
     * ({@link Dropout#addTo}: the same bits, one array fewer), any other layer composed.
     *
     * @param x the residual stream
     * @param dropout the dropout on the sub-layer's output
     * @param y the sub-layer's output
     * @return the residual sum
     */
    static Tensor addDropout(Tensor x, Layer dropout, Tensor y) {
        return dropout instanceof Dropout d ? d.addTo(x, y) : x.add(dropout.forward(y));
    }

    /**
     * The arrangement a config names.
     *
     * @param placement post-norm or pre-norm
     * @return the arrangement a config names
     */
    static Residual of(TransformerConfig.NormPlacement placement) {
        return switch (Objects.requireNonNull(placement, "placement")) {
            case POST -> POST_NORM;
            case PRE -> PRE_NORM;
        };
    }
}
