package dev.visor.sweeps;

/** Hears what a runner does with the trials; called from any thread. */
public interface SweepListener {
    /** Hears nothing. */
    SweepListener NONE = new SweepListener() {};

    /**
     * A trial started (or was handed to Spark).
     *
     * @param trial the trial
     */
    default void started(Trial trial) {}

    /**
     * A running trial's progress.
     *
     * @param trial the trial
     * @param step steps done
     * @param total steps planned
     */
    default void progress(Trial trial, long step, long total) {}

    /**
     * A trial finished and its results are written.
     *
     * @param result its result
     */
    default void finished(TrialResult result) {}

    /**
     * A trial failed (after any retries).
     *
     * @param trial the trial
     * @param error why
     */
    default void failed(Trial trial, Throwable error) {}

    /**
     * Something worth a line of its own (a retried Spark task, say).
     *
     * @param message the message
     */
    default void note(String message) {}
}
