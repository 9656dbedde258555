package dev.visor.sweeps;

import java.io.Serializable;
import java.util.List;

/**
 * A finished trial as the runner hands it to the driver: what {@code final.json} and
 * {@code metrics.jsonl} in its folder hold.
 *
 * @param trial the trial
 * @param outcome its final metrics and steps
 * @param history its metric lines over time
 * @param resumedFrom the checkpoint step the last attempt continued from (0: from scratch)
 * @param seconds wall time of the last attempt
 * @param runner the runner that ran it ({@code local}, or the Spark master)
 */
public record TrialResult(Trial trial, TrialOutcome outcome, List<MetricLine> history, long resumedFrom, double seconds, String runner)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Freezes the history. */
    public TrialResult {
        history = List.copyOf(history);
    }
}
