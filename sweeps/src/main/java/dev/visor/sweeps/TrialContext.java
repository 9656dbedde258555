package dev.visor.sweeps;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TrialFunction} sees of the sweep while it runs: where its checkpoint lives, how often
 * to save one, and where its metrics and progress go.
 */
public interface TrialContext {
    /** @return the trial's own folder ({@code trials/ID} in the results folder) */
    Path directory();

    /** @return the folder for the trial's checkpoint; it exists only once the trial saved one */
    Path checkpointDirectory();

    /** @return steps between checkpoints; 0 means none (an interrupted trial then starts over) */
    long checkpointEvery();

    /** @return the kernel threads the trial may use (already set on {@code Parallel}) */
    int threads();

    /**
     * Records metrics at a step: one JSON line of the trial's {@code metrics.jsonl}.
     *
     * @param step the training step
     * @param metrics metric name → value (non-finite values are written as null)
     */
    void report(long step, Map<String, Double> metrics);

    /**
     * Tells the sweep's progress display how far the trial is.
     *
     * @param step steps done
     * @param total steps planned
     */
    void progress(long step, long total);

    /** @return the metric lines reported so far (after {@link #resumedAt}, including the kept earlier ones) */
    List<MetricLine> history();

    /**
     * Says that the trial continued from a checkpoint of {@code step}: metric lines reported after it
     * by the interrupted attempt are dropped, as the resumed run reports them again.
     *
     * @param step the checkpoint's step
     */
    void resumedAt(long step);
}
