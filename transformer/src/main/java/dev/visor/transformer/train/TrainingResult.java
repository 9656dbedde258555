package dev.visor.transformer.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#train}.
 *
 * @param steps          steps attempted (including skipped ones)
 * @param updates        optimizer updates made so far (including those before a resume)
 * @param lastLoss       the loss of the last good step
 * @param skipped        every skipped step
 * @param evaluations    every evaluation, in order (the last one after the final step)
 */
public record TrainingResult(long steps, long updates, double lastLoss, List<TrainingListener.SkippedStep> skipped,
                             List<Evaluation> evaluations) {
    /** The last evaluation, or {@code null}. */
    public Evaluation lastEvaluation() {
        return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
    }
}
