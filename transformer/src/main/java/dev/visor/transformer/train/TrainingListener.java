package dev.visor.transformer.train;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A callback of a training run: receives every {@link TrainingEvent} (steps, skipped steps,
 * evaluations, checkpoints). A functional interface, so a lambda is a listener; the factories
 * pick one kind of event. A listener that throws stops the run (checkpoints already saved stay).
 *
 * <pre>{@code
 * TrainingListener log = TrainingListener.onStep(s -> { if (s.step() % 100 == 0) System.out.printf("%d %.3f%n", s.step(), s.loss()); })
 *         .andThen(TrainingListener.onEvaluation(e -> System.out.println(e.step() + ": " + e.evaluation())));
 * }</pre>
 */
@FunctionalInterface
public interface TrainingListener {
    /** Nothing. */
    TrainingListener NONE = event -> { };

    /**
     * Called for each event, on the training thread.
     *
     * @param event a {@link TrainingEvent.Step}, {@link TrainingEvent.Skipped}, {@link TrainingEvent.Evaluated} or {@link TrainingEvent.CheckpointSaved}; never null
     */
    void on(TrainingEvent event);

    /**
     * This listener, then {@code next}.
     *
     * @param next the listener called after this one for every event; not null
     * @return a listener calling both, this one first
     */
    default TrainingListener andThen(TrainingListener next) {
        Objects.requireNonNull(next, "next");
        return event -> {
            on(event);
            next.on(event);
        };
    }

    /**
     * Every listener in order ({@code null}s left out).
     *
     * @param listeners the listeners in calling order; null elements are skipped
     * @return one listener forwarding every event to each of them (doing nothing for an empty list)
     */
    static TrainingListener all(List<TrainingListener> listeners) {
        List<TrainingListener> copy = listeners.stream().filter(Objects::nonNull).toList();
        return event -> copy.forEach(l -> l.on(event));
    }

    /**
     * Called for each event of one kind, e.g. {@code TrainingListener.on(TrainingEvent.Step.class, s -> ...)}.
     *
     * @param <E> the event type
     * @param kind the event class to react to, e.g. {@code TrainingEvent.Step.class}
     * @param action called with each event of that class; other events are ignored
     * @return a listener filtering by {@code kind}
     */
    static <E extends TrainingEvent> TrainingListener on(Class<E> kind, Consumer<? super E> action) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        return event -> {
            if (kind.isInstance(event)) {
                action.accept(kind.cast(event));
            }
        };
    }

    /**
     * Called after each completed optimizer step.
     *
     * @param action receives the step's loss, accuracy, learning rate, gradient norm and time
     * @return a listener ignoring every other event
     */
    static TrainingListener onStep(Consumer<TrainingEvent.Step> action) {
        return on(TrainingEvent.Step.class, action);
    }

    /**
     * Called after each skipped step.
     *
     * @param action receives the step number, its non-finite loss and the parameters with non-finite gradients
     * @return a listener ignoring every other event
     */
    static TrainingListener onSkipped(Consumer<TrainingEvent.Skipped> action) {
        return on(TrainingEvent.Skipped.class, action);
    }

    /**
     * Called after each evaluation.
     *
     * @param action receives the step and what the evaluator measured
     * @return a listener ignoring every other event
     */
    static TrainingListener onEvaluation(Consumer<TrainingEvent.Evaluated> action) {
        return on(TrainingEvent.Evaluated.class, action);
    }

    /**
     * Called after each saved checkpoint.
     *
     * @param action receives the step and where the checkpoint was written
     * @return a listener ignoring every other event
     */
    static TrainingListener onCheckpoint(Consumer<TrainingEvent.CheckpointSaved> action) {
        return on(TrainingEvent.CheckpointSaved.class, action);
    }
}
