package dev.visor.transformer.train;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.TransformerModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A listener that keeps the weights of the best evaluation so far — e.g. the lowest held-out loss,
 * before a small data set is memorised — in memory, and optionally writes them with a
 * {@link CheckpointWriter} each time they improve. After training, {@link #restoreInto} puts them
 * back into the model. A NaN metric never counts as better.
 *
 * <pre>{@code
 * BestCheckpoint best = BestCheckpoint.lowest(model, Evaluation::loss);
 * trainer.train(source, Evaluator.teacherForced(heldOut), best);
 * if (best.isBetterThan(lastLoss)) best.restoreInto(model);
 * }</pre>
 */
public final class BestCheckpoint implements TrainingListener {
    private final TransformerModel model;
    private final ToDoubleFunction<Evaluation> metric;
    private final boolean lowerIsBetter;
    private CheckpointWriter writer;
    private Map<String, Tensor> weights;
    private long step = -1;
    private double value = Double.NaN;

    private BestCheckpoint(TransformerModel model, ToDoubleFunction<Evaluation> metric, boolean lowerIsBetter) {
        this.model = Objects.requireNonNull(model, "model");
        this.metric = Objects.requireNonNull(metric, "metric");
        this.lowerIsBetter = lowerIsBetter;
    }

    /**
     * Keeps the weights with the lowest {@code metric} (a loss).
     *
     * @param model the model whose state dict is copied at each improvement
     * @param metric picks the number to minimise from an evaluation, e.g. {@code Evaluation::loss}; NaN never counts as better
     * @return a listener to pass to {@link Trainer#train}, holding no weights yet
     */
    public static BestCheckpoint lowest(TransformerModel model, ToDoubleFunction<Evaluation> metric) {
        return new BestCheckpoint(model, metric, true);
    }

    /**
     * Keeps the weights with the highest {@code metric} (an accuracy).
     *
     * @param model the model whose state dict is copied at each improvement
     * @param metric picks the number to maximise from an evaluation, e.g. {@code Evaluation::tokenAccuracy}; NaN never counts as better
     * @return a listener to pass to {@link Trainer#train}, holding no weights yet
     */
    public static BestCheckpoint highest(TransformerModel model, ToDoubleFunction<Evaluation> metric) {
        return new BestCheckpoint(model, metric, false);
    }

    /**
     * Also writes the best weights (without optimizer state) with {@code w} each time they improve.
     *
     * @param w writes each new best model (with a null optimizer state) over the previous one
     * @return this listener, for chaining
     */
    public BestCheckpoint writingTo(CheckpointWriter w) {
        this.writer = Objects.requireNonNull(w, "w");
        return this;
    }

    @Override
    public void on(TrainingEvent event) {
        if (!(event instanceof TrainingEvent.Evaluated e)) {
            return;
        }
        double v = metric.applyAsDouble(e.evaluation());
        boolean improves = !Double.isNaN(v) && (weights == null || (lowerIsBetter ? v < value : v > value));
        if (!improves) {
            return;
        }
        Map<String, Tensor> copy = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> copy.put(k, t.detach().copy()));
        weights = Collections.unmodifiableMap(copy);
        step = e.step();
        value = v;
        if (writer != null) {
            try {
                writer.write(model, null, step);
            } catch (IOException ex) {
                throw new UncheckedIOException("could not write the best checkpoint of step " + step, ex);
            }
        }
    }

    /**
     * Whether the kept weights score better than {@code other} (false when none are kept or either is NaN).
     *
     * @param other a metric value in the same units as {@link #value()}
     * @return true only when weights are kept and their metric is strictly better than {@code other}
     */
    public boolean isBetterThan(double other) {
        if (weights == null || Double.isNaN(other) || Double.isNaN(value)) {
            return false;
        }
        return lowerIsBetter ? value < other : value > other;
    }

    /**
     * Whether an evaluation has been seen with a non-NaN metric.
     *
     * @return true once some evaluation gave a non-NaN metric, so {@link #weights()} is non-null
     */
    public boolean hasWeights() {
        return weights != null;
    }

    /**
     * The step of the best evaluation, or −1.
     *
     * @return the training step at which the kept weights were evaluated, or −1 when none are kept
     */
    public long step() {
        return step;
    }

    /**
     * The best metric, or NaN.
     *
     * @return the metric of the kept weights, or NaN when none are kept
     */
    public double value() {
        return value;
    }

    /**
     * The kept state dict (copies), or {@code null}.
     *
     * @return parameter name to a copy of its tensor (PyTorch names), or {@code null} when none are kept
     */
    public Map<String, Tensor> weights() {
        return weights;
    }

    /**
     * Loads the kept weights into {@code target} (strictly).
     *
     * @param target a model with exactly the kept parameter names and shapes
     * @throws IllegalStateException when no weights are kept
     */
    public void restoreInto(TransformerModel target) {
        if (weights == null) {
            throw new IllegalStateException("no evaluation has been seen, so there are no best weights to restore");
        }
        target.loadStateDict(weights, true);
    }
}
