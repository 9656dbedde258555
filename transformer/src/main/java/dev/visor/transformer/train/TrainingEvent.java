package dev.visor.transformer.train;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Trainer} reports to its {@link TrainingListener} and asks its {@link StopCondition}
 * about: a completed step, a skipped step, an evaluation, a saved checkpoint.
 */
public sealed interface TrainingEvent
        permits TrainingEvent.Step, TrainingEvent.Skipped, TrainingEvent.Evaluated, TrainingEvent.CheckpointSaved {

    /**
     * The step the event belongs to (from 1).
     *
     * @return the optimizer step number, 1 for the first step of a fresh run
     */
    long step();

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
    record Step(long step, double loss, double tokenAccuracy, int tokens, double learningRate, double gradNorm,
                double seconds) implements TrainingEvent {}

    /**
     * A step whose loss or gradient was not finite: no update was made.
     *
     * @param step            the step
     * @param loss            the loss (possibly NaN or infinite)
     * @param nonFiniteGrads  the parameters whose gradient held a NaN or infinity
     * @param consecutive     how many steps in a row have now been skipped
     */
    record Skipped(long step, double loss, List<String> nonFiniteGrads, int consecutive) implements TrainingEvent {
        /**
         * Copies the list.
         *
         * @param step            the skipped step
         * @param loss            the loss, possibly NaN or infinite
         * @param nonFiniteGrads  parameter names (PyTorch style); copied
         * @param consecutive     at least 1
         */
        public Skipped {
            nonFiniteGrads = List.copyOf(nonFiniteGrads);
        }

        /**
         * A one-line description.
         *
         * @return e.g. {@code "step 12: loss NaN, non-finite gradients in [encoder.layers.0.self_attn.in_proj_weight]"} (at most five names)
         */
        public String describe() {
            return "step " + step + ": loss " + loss + (nonFiniteGrads.isEmpty() ? ""
                    : ", non-finite gradients in " + (nonFiniteGrads.size() > 5
                            ? nonFiniteGrads.subList(0, 5) + " and " + (nonFiniteGrads.size() - 5) + " more" : nonFiniteGrads));
        }
    }

    /**
     * An evaluation after a step.
     *
     * @param step       the step
     * @param evaluation what the {@link Evaluator} measured
     */
    record Evaluated(long step, Evaluation evaluation) implements TrainingEvent {
        /**
         * Checks the evaluation is present.
         *
         * @param step       the step after which the model was evaluated
         * @param evaluation not null
         */
        public Evaluated {
            Objects.requireNonNull(evaluation, "evaluation");
        }
    }

    /**
     * A checkpoint was written by {@link Trainer#saveCheckpoint}.
     *
     * @param step     the step it holds
     * @param location where it went (a folder, for messages)
     */
    record CheckpointSaved(long step, String location) implements TrainingEvent {}
}
