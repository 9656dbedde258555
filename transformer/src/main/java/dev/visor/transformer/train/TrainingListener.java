package dev.visor.transformer.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Callbacks of a training run, all optional: each optimizer step, each skipped step, each evaluation
 * and each checkpoint. A listener that throws stops the run (checkpoints already saved stay).
 *
 * <pre>{@code
 * TrainingListener progress = new TrainingListener() {
 *     public void onStep(StepReport r) { if (r.step() % 100 == 0) System.out.printf("%d %.3f%n", r.step(), r.loss()); }
 * };
 * }</pre>
 */
public interface TrainingListener {
    /** Nothing. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * One completed optimizer step.
     *
     * @param step           the step (from 1)
     * @param loss           mean cross-entropy per target token (label-smoothed)
     * @param tokenAccuracy  fraction of target tokens whose argmax was right, in this step's batches
     * @param tokens         target tokens in the step
     * @param learningRate   the rate the step used
     * @param gradNorm       the global gradient norm before clipping
     * @param seconds        wall time of the step
     */
    record StepReport(long step, double loss, double tokenAccuracy, int tokens, double learningRate, double gradNorm,
                      double seconds) {}

    /**
     * A step whose loss or gradient was not finite: no update was made.
     *
     * @param step            the step
     * @param loss            the loss (possibly NaN or infinite)
     * @param nonFiniteGrads  the parameters whose gradient held a NaN or infinity
     * @param consecutive     how many steps in a row have now been skipped
     */
    record SkippedStep(long step, double loss, List<String> nonFiniteGrads, int consecutive) {
        /** A one-line description. */
        public String describe() {
            return "step " + step + ": loss " + loss + (nonFiniteGrads.isEmpty() ? ""
                    : ", non-finite gradients in " + (nonFiniteGrads.size() > 5
                            ? nonFiniteGrads.subList(0, 5) + " and " + (nonFiniteGrads.size() - 5) + " more" : nonFiniteGrads));
        }
    }

    /** After each optimizer step. */
    default void onStep(StepReport report) {}

    /** After each skipped step. */
    default void onSkippedStep(SkippedStep skipped) {}

    /** After each evaluation. */
    default void onEvaluation(long step, Evaluation evaluation) {}

    /** After each checkpoint is saved. */
    default void onCheckpoint(long step, Path dir) {}
}
