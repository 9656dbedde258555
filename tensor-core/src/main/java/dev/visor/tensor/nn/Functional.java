package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Objects;

/**
 * Stateless neural-network operations, like {@code torch.nn.functional}: each is one fused kernel
 * on float arrays with a hand-written backward pass, so a layer costs one autograd node rather than
 * a chain of element-wise ones. Differences from PyTorch are stated on each method.
 *
 * <pre>{@code
 * Tensor h = Functional.gelu(Functional.linear(x, w1, b1));            // (batch, seq, dFF)
 * Tensor logits = Functional.linear(h, w2, b2);                        // (batch, seq, vocab)
 * Tensor loss = Functional.crossEntropy(logits, targets, PAD, 0.1, Reduction.MEAN);
 * loss.backward();
 * }</pre>
 */
public final class Functional {
    private Functional() {}

    /** PyTorch's default {@code ignore_index}: a target equal to it contributes nothing. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    // ------------------------------------------------------------------ softmax

    /**
     * {@code softmax(x)_i = exp(x_i − max) / Σ_j exp(x_j − max)} along {@code dim} (negative counts
     * from the end), summed in double. Entries of −inf get probability 0; a slice that is −inf
     * everywhere (a fully masked row) gives all zeros and a zero gradient, where PyTorch gives NaN.
     * NaN in a slice makes that slice NaN.
     *
     * @param x the input
     * @param dim the dimension (negative counts from the end)
     * @return {@code softmax(x)_i = exp(x_i − max) / Σ_j exp(x_j − max)} along {@code dim} (negative counts from the end), summed in double
     */
    public static Tensor softmax(Tensor x, int dim) {
        return Softmax.forward(Objects.requireNonNull(x, "x"), dim, false);
    }

    /**
     * {@code logSoftmax(x)_i = x_i − max − log Σ_j exp(x_j − max)} along {@code dim}. A slice that is
     * −inf everywhere gives −inf everywhere (the log of softmax's zeros) and a zero gradient, where
     * PyTorch gives NaN.
     *
     * @param x the input
     * @param dim the dimension (negative counts from the end)
     * @return {@code logSoftmax(x)_i = x_i − max − log Σ_j exp(x_j − max)} along {@code dim}
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return Softmax.forward(Objects.requireNonNull(x, "x"), dim, true);
    }

    // ------------------------------------------------------------------ normalisation

    /**
     * Layer normalisation (Ba et al., 2016) over the trailing dimensions {@code normalizedShape}:
     * {@code y = (x − mean) / sqrt(var + eps) · weight + bias}, with the biased variance (divided by
     * n) as in PyTorch. Statistics are computed in double. {@code weight} and {@code bias} (shaped
     * {@code normalizedShape}) may each be {@code null}.
     *
     * @param x the input
     * @param normalizedShape the trailing shape normalised over
     * @param weight the weight
     * @param bias the bias
     * @param eps the epsilon added for numerical stability
     * @return layer normalisation (Ba et al., 2016) over the trailing dimensions {@code normalizedShape}: {@code y = (x − mean) / sqrt(var + eps) · weight + bias}, with the biased variance (divided by n) as in PyTorch
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(normalizedShape, "normalizedShape");
        LayerNormOp.check(x, normalizedShape, weight, bias, eps);
        return LayerNormOp.forward(x, normalizedShape.clone(), weight, bias, eps);
    }

    // ------------------------------------------------------------------ activations

    /**
     * {@code max(x, 0)}; the gradient at exactly 0 is 0, and NaN passes through, as in PyTorch.
     *
     * @param x the input
     * @return {@code max(x, 0)}; the gradient at exactly 0 is 0, and NaN passes through, as in PyTorch
     */
    public static Tensor relu(Tensor x) {
        return Activations.forward(Objects.requireNonNull(x, "x"), Activations.Kind.RELU);
    }

    /**
     * The exact GELU of Hendrycks and Gimpel (2016), {@code x·Φ(x)} with Φ the standard normal CDF.
     * Φ is evaluated in double to about 1e-12 relative error, including the far negative tail, so
     * results agree with PyTorch's {@code gelu} to float rounding except where PyTorch's
     * {@code 1 + erf} cancels (x below about −5), where these values are the accurate ones.
     *
     * @param x the input
     * @return the exact GELU of Hendrycks and Gimpel (2016), {@code x·Φ(x)} with Φ the standard normal CDF
     */
    public static Tensor gelu(Tensor x) {
        return Activations.forward(Objects.requireNonNull(x, "x"), Activations.Kind.GELU);
    }

    /**
     * The tanh approximation of GELU, {@code ½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))}, as PyTorch's
     * {@code gelu(x, approximate='tanh')} (used by GPT-2).
     *
     * @param x the input
     * @return the tanh approximation of GELU, {@code ½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))}, as PyTorch's {@code gelu(x, approximate='tanh')} (used by GPT-2)
     */
    public static Tensor geluTanh(Tensor x) {
        return Activations.forward(Objects.requireNonNull(x, "x"), Activations.Kind.GELU_TANH);
    }

    // ------------------------------------------------------------------ embedding

    /**
     * Gathers rows of {@code weight (numEmbeddings, dim)}: the result has shape
     * {@code indexShape + [dim]}. The gradient is scatter-added into the rows that were read
     * (repeated indices accumulate).
     *
     * @param indices    row indices in row-major order, each in {@code [0, numEmbeddings)}
     * @param indexShape the shape of the index array (its element count must match)
     * @param weight the weight
     * @return the gathered rows, shaped {@code indexShape + [dim]}
     */
    public static Tensor embedding(int[] indices, int[] indexShape, Tensor weight) {
        return EmbeddingOp.forward(Objects.requireNonNull(indices, "indices"), Objects.requireNonNull(indexShape, "indexShape"),
                Objects.requireNonNull(weight, "weight"), EmbeddingOp.NO_PADDING);
    }

    /**
     * As {@link #embedding(int[], int[], Tensor)}, except that the row {@code paddingIdx} receives no
     * gradient (negative values count from the end, as in PyTorch). The forward pass still reads
     * that row; {@link Embedding} initialises it to zeros.
     *
     * @param indices the indices
     * @param indexShape the shape of the indices
     * @param weight the weight
     * @param paddingIdx the padding id, whose row stays zero
     * @return as {@link #embedding(int[], int[], Tensor)}, except that the row {@code paddingIdx} receives no gradient (negative values count from the end, as in PyTorch)
     */
    public static Tensor embedding(int[] indices, int[] indexShape, Tensor weight, int paddingIdx) {
        Objects.requireNonNull(weight, "weight");
        int pad = weight.dim() == 2 ? EmbeddingOp.normalizePadding(paddingIdx, weight.size(0)) : EmbeddingOp.NO_PADDING;
        return EmbeddingOp.forward(Objects.requireNonNull(indices, "indices"), Objects.requireNonNull(indexShape, "indexShape"),
                weight, pad);
    }

    // ------------------------------------------------------------------ dropout

    /**
     * Inverted dropout: in training, each element is zeroed with probability {@code p} and the
     * survivors are scaled by {@code 1/(1−p)}, so evaluation needs no rescaling. Returns {@code x}
     * itself when {@code training} is false or {@code p == 0}; {@code p == 1} gives zeros. The mask
     * draws one {@link Rng#nextDouble()} per element in row-major order (an element survives when
     * the draw is ≥ p), so a seed fixes it.
     *
     * @param x the input
     * @param p the probability
     * @param training true in training mode
     * @param rng the random source
     * @return inverted dropout: in training, each element is zeroed with probability {@code p} and the survivors are scaled by {@code 1/(1−p)}, so evaluation needs no rescaling
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
        return DropoutOp.forward(Objects.requireNonNull(x, "x"), p, training, rng);
    }

    /**
     * {@code dropout(relu(x), p, training, rng)} as one op (the feed-forward network's hidden
     * activation): the same values, gradients and mask draws as the composition, bit for bit, with one
     * result and one gradient array instead of two of each. Outside training or with {@code p == 0} it is
     * {@link #relu}.
     *
     * @param x the input
     * @param p the probability
     * @param training true in training mode
     * @param rng the random source
     * @return the dropped-out ReLU of {@code x}
     */
    public static Tensor reluDropout(Tensor x, double p, boolean training, Rng rng) {
        return DropoutOp.afterRelu(Objects.requireNonNull(x, "x"), p, training, rng);
    }

    /**
     * {@code residual + dropout(x, p, training, rng)} as one op (a residual connection): the same
     * values, gradients and mask draws as the composition, bit for bit, without the dropout's own
     * result array. Shapes that differ (broadcasting) take the composition.
     *
     * @param residual the residual stream
     * @param x the sub-layer's output
     * @param p the probability
     * @param training true in training mode
     * @param rng the random source
     * @return {@code residual + dropout(x)}
     */
    public static Tensor addDropout(Tensor residual, Tensor x, double p, boolean training, Rng rng) {
        return DropoutOp.addTo(Objects.requireNonNull(residual, "residual"), Objects.requireNonNull(x, "x"), p, training, rng);
    }

    // ------------------------------------------------------------------ masked fill

    /**
     * {@code mask ? value : x}, element-wise. The mask is a tensor of 0 (keep) and 1 (fill) —
     * PyTorch's boolean mask with {@code true} = fill — broadcast to x's shape; any other value is
     * rejected, which catches additive 0/−inf masks passed by mistake. The result has x's shape and
     * the gradient is zero at filled positions.
     *
     * @param x the input
     * @param mask the mask
     * @param value the value
     * @return {@code mask ? value : x}, element-wise
     */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(mask, "mask");
        return MaskedFillOp.forward(x, MaskedFillOp.booleans(mask), mask.shape(), value);
    }

    /**
     * As {@link #maskedFill(Tensor, Tensor, float)} with the mask given as booleans in row-major
     * order with shape {@code maskShape} ({@code true} = fill).
     *
     * @param x the input
     * @param mask the mask
     * @param maskShape the shape of the mask
     * @param value the value
     * @return as {@link #maskedFill(Tensor, Tensor, float)} with the mask given as booleans in row-major order with shape {@code maskShape} ({@code true} = fill)
     */
    public static Tensor maskedFill(Tensor x, boolean[] mask, int[] maskShape, float value) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(mask, "mask");
        if (mask.length != Shape.numel(maskShape)) {
            throw new IllegalArgumentException("mask has " + mask.length + " values but its shape " + Shape.str(maskShape)
                    + " needs " + Shape.numel(maskShape));
        }
        return MaskedFillOp.forward(x, mask.clone(), maskShape.clone(), value);
    }

    // ------------------------------------------------------------------ losses

    /**
     * Mean cross-entropy of {@code logits (..., classes)} against class indices, with PyTorch's
     * default ignore index (−100) and no label smoothing.
     *
     * @param logits the logits
     * @param targets the target class of every row
     * @return mean cross-entropy of {@code logits (..., classes)} against class indices, with PyTorch's default ignore index (−100) and no label smoothing
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, DEFAULT_IGNORE_INDEX, 0.0, Reduction.MEAN);
    }

    /**
     * Cross-entropy with class-index targets, as {@code torch.nn.functional.cross_entropy}. With C
     * classes, smoothing ε and {@code log p = logSoftmax(z)}, row i with target y contributes
     * {@code (1−ε)·(−log p_y) + (ε/C)·Σ_c (−log p_c)}; rows whose target equals
     * {@code ignoreIndex} contribute 0 and, under {@link Reduction#MEAN}, are not counted in the
     * mean (if every row is ignored the mean is NaN, as in PyTorch, and the gradient is zero).
     *
     * <p>Departure from PyTorch: the class dimension is the <em>last</em> one ({@code (N, C)} or
     * {@code (batch, seq, vocab)}), not dimension 1; {@link Reduction#NONE} returns the logits'
     * shape without it.
     *
     * @param targets one class index per row of {@code logits}, in row-major order
     * @param logits the logits
     * @param ignoreIndex a target to ignore
     * @param labelSmoothing the label smoothing
     * @param reduction how the per-element losses are reduced
     * @return cross-entropy with class-index targets, as {@code torch.nn.functional.cross_entropy}
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, double labelSmoothing,
                                      Reduction reduction) {
        return Losses.crossEntropy(Objects.requireNonNull(logits, "logits"), Objects.requireNonNull(targets, "targets"),
                ignoreIndex, labelSmoothing, Objects.requireNonNull(reduction, "reduction"));
    }

    /**
     * Mean squared error {@code mean((input − target)²)}; both shapes must be equal (no broadcasting).
     *
     * @param input the input
     * @param target the target
     * @return mean squared error {@code mean((input − target)²)}; both shapes must be equal (no broadcasting)
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    /**
     * Squared error {@code (input − target)²} reduced by {@code reduction}; gradients flow to both.
     *
     * @param input the input
     * @param target the target
     * @param reduction how the per-element losses are reduced
     * @return squared error {@code (input − target)²} reduced by {@code reduction}; gradients flow to both
     */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return Losses.mse(Objects.requireNonNull(input, "input"), Objects.requireNonNull(target, "target"),
                Objects.requireNonNull(reduction, "reduction"));
    }

    // ------------------------------------------------------------------ linear

    /**
     * {@code y = x·Wᵀ + b} for {@code x (..., in)}, {@code weight (out, in)} (PyTorch's layout) and an
     * optional {@code bias (out)}; the result is {@code (..., out)}. Runs on
     * {@link dev.visor.tensor.kernel.Gemm#sgemm} with W read transposed in place.
     *
     * @param x the input
     * @param weight the weight
     * @param bias the bias
     * @return {@code y = x·Wᵀ + b} for {@code x (..., in)}, {@code weight (out, in)} (PyTorch's layout) and an optional {@code bias (out)}; the result is {@code (..., out)}
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return LinearOp.forward(Objects.requireNonNull(x, "x"), Objects.requireNonNull(weight, "weight"), bias);
    }
}
