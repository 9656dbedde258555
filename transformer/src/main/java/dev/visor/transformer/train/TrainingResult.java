package dev.visor.transformer.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#train}.
 *
 * @param steps          the step reached (including skipped steps and those before a resume)
 * @param updates        optimizer updates made so far (including those before a resume)
 * @param lastLoss       the loss of the last good step
 * @param skipped        every skipped step
 * @param evaluations    every evaluation, in order (after the last step, one more unless the step was just evaluated)
 * @param stopped        whether a {@link StopCondition} or {@link Trainer#requestStop()} ended the run before its last step
 */
public record TrainingResult(long steps, long updates, double lastLoss, List<TrainingEvent.Skipped> skipped,
                             List<Evaluation> evaluations, boolean stopped) {
    /**
     * Copies the lists.
     *
     * @param steps          at least 0
     * @param updates        at most {@code steps}
     * @param lastLoss       NaN when no step succeeded
     * @param skipped        copied; not null
     * @param evaluations    copied; not null
     * @param stopped        false when the run reached its last step
     */
    public TrainingResult {
        skipped = List.copyOf(skipped);
        evaluations = List.copyOf(evaluations);
    }

    /**
     * The last evaluation, or {@code null}.
     *
     * @return the evaluation after the last evaluated step, or {@code null} when the run had no evaluator
     */
    public Evaluation lastEvaluation() {
        return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
    }
}
