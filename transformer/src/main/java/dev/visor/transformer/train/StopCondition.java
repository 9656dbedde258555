package dev.visor.transformer.train;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * When to end a run before its last step. The {@link Trainer} asks after every {@link TrainingEvent};
 * once the condition holds, the current step finishes (its evaluation and listeners included) and
 * {@link Trainer#train} returns a result with {@link TrainingResult#stopped()} set.
 *
 * <pre>{@code
 * StopCondition solved = StopCondition.onEvaluation(e -> e.sequenceAccuracy() >= 0.99);
 * AtomicBoolean interrupted = new AtomicBoolean();                    // set by another thread
 * trainer.train(source, evaluator, listener, solved.or(StopCondition.when(interrupted::get)));
 * }</pre>
 */
@FunctionalInterface
public interface StopCondition {
    /** Never stops early. */
    StopCondition NEVER = event -> false;

    /**
     * Whether to stop once the step of {@code event} is done.
     *
     * @param event the event just reported (a step, a skipped step, an evaluation or a checkpoint)
     * @return true to end the run after the current step
     */
    boolean shouldStop(TrainingEvent event);

    /**
     * Stops when this or {@code other} says so.
     *
     * @param other the second condition; not null
     * @return a condition that holds when either holds
     */
    default StopCondition or(StopCondition other) {
        Objects.requireNonNull(other, "other");
        return event -> shouldStop(event) || other.shouldStop(event);
    }

    /**
     * Stops as soon as {@code flag} is true (read after every event; e.g. set by another thread).
     *
     * @param flag read after every event; may be set from another thread
     * @return a condition that holds once {@code flag} returns true
     */
    static StopCondition when(BooleanSupplier flag) {
        Objects.requireNonNull(flag, "flag");
        return event -> flag.getAsBoolean();
    }

    /**
     * Stops after an evaluation for which {@code reached} holds.
     *
     * @param reached tested on every evaluation, e.g. {@code e -> e.tokenAccuracy() >= 0.99}
     * @return a condition that ignores every other event
     */
    static StopCondition onEvaluation(Predicate<Evaluation> reached) {
        Objects.requireNonNull(reached, "reached");
        return event -> event instanceof TrainingEvent.Evaluated e && reached.test(e.evaluation());
    }
}
