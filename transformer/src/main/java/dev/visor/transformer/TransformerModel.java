package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Reduction;
import java.util.Objects;

/**
 * What every model of this package shares: its configuration, and the training forward pass the
 * {@link dev.visor.transformer.train.Trainer} calls — {@link #logits} for the input positions of a
 * batch and {@link #loss} on them. The three architectures are {@link EncoderDecoderTransformer},
 * {@link DecoderOnlyTransformer} and {@link EncoderOnlyTransformer}; {@link Transformers#create}
 * builds the one a config names. A model of your own extends this class, implements {@link #logits}
 * (and may override {@link #loss} to add terms) and trains with the same {@code Trainer}:
 *
 * <pre>{@code
 * final class BagOfEmbeddings extends TransformerModel {
 *     private final Embedding embed;
 *     private final Linear head;
 *     BagOfEmbeddings(TransformerConfig c) {
 *         super(c);
 *         embed = registerModule("embed", new Embedding(c.tgtVocabSize(), c.dModel(), new Rng(1)));
 *         head = registerModule("generator", new Linear(c.dModel(), c.tgtVocabSize(), true, new Rng(2)));
 *     }
 *     public Tensor logits(TokenBatch source, TokenBatch input) {
 *         return head.forward(embed.forward(input.ids(), input.batch(), input.length()));
 *     }
 * }
 * }</pre>
 */
public abstract class TransformerModel extends Composite {
    private final TransformerConfig config;

    /**
     * A model described by {@code config}.
     *
     * @param config the model configuration
     */
    protected TransformerModel(TransformerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The configuration the model was built from.
     *
     * @return the configuration the model was built from
     */
    public final TransformerConfig config() {
        return config;
    }

    /**
     * The logits at every input position of a training batch, {@code (batch, L, classes)}.
     *
     * @param source the encoder input of a two-stream model, {@code null} for a single-stream one
     * @param input  the decoder (or only) input {@code (batch, L)}
     * @return unnormalised logits {@code (batch, L, classes)}: the target vocabulary, or an encoder-only head's classes
     * @throws IllegalArgumentException when {@code source} is missing for a model that needs one, or
     *                                  given to a model that takes none
     */
    public abstract Tensor logits(TokenBatch source, TokenBatch input);

    /**
     * The logits of a batch and the training loss on them: what one step of the
     * {@link dev.visor.transformer.train.Trainer} computes and differentiates.
     *
     * @param logits {@code (batch, L, classes)}
     * @param sum    the loss summed over the targets that are not the pad id (a scalar); the trainer
     *               divides it by the step's target count
     */
    public record Loss(Tensor logits, Tensor sum) {
        /**
         * Checks that both are present and that the loss is a scalar.
         *
         * @param logits not null
         * @param sum not null, exactly one element
         * @throws IllegalArgumentException when {@code sum} is not a scalar
         */
        public Loss {
            Objects.requireNonNull(logits, "logits");
            Objects.requireNonNull(sum, "sum");
            if (sum.numel() != 1) {
                throw new IllegalArgumentException("the loss must be a scalar but has " + sum.numel() + " elements");
            }
        }
    }

    /**
     * The training objective of one batch: by default the cross-entropy of {@link #logits} against
     * {@code targets} with label smoothing {@code labelSmoothing}, summed over the targets that are
     * not the pad id. Override it to add terms (an auxiliary loss, a regulariser); the trainer calls
     * nothing else on the model.
     *
     * @param source         the encoder input, or {@code null}
     * @param input          the decoder (or only) input
     * @param targets        row-major {@code (batch, L)} targets, the pad id where nothing is predicted
     * @param labelSmoothing ε of the label smoothing, in [0, 1)
     * @return the logits and their summed loss, to be divided by the step's target count
     */
    public Loss loss(TokenBatch source, TokenBatch input, int[] targets, double labelSmoothing) {
        Tensor logits = logits(source, input);
        return new Loss(logits, Functional.crossEntropy(logits, targets, config.padId(), labelSmoothing, Reduction.SUM));
    }

    /** Throws unless {@code source} is null: for single-stream models. */
    static void requireNoSource(TokenBatch source, String kind) {
        if (source != null) {
            throw new IllegalArgumentException("a " + kind + " model takes no source, but the batch has one of ("
                    + source.batch() + ", " + source.length() + ")");
        }
    }
}
