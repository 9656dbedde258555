package dev.visor.sweeps.spark;

import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.SweepSpec;
import dev.visor.sweeps.Trial;
import dev.visor.sweeps.TrialExecution;
import dev.visor.sweeps.TrialFunction;
import dev.visor.sweeps.TrialResult;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What a Spark task receives: the trial, the sweep and the results folder's path. On the executor
 * it finds the trial function by name (the same jar is on every class path) and runs the trial
 * exactly as the local runner does.
 *
 * @param resultsFolder the results folder, a path every executor sees
 * @param spec the sweep
 * @param trial the trial
 * @param runner the runner's name for {@code final.json}
 */
record TrialTask(String resultsFolder, SweepSpec spec, Trial trial, String runner) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Runs the trial.
     *
     * @return its result, sent back to the driver
     * @throws Exception what the trial throws; Spark retries the task
     */
    TrialResult call() throws Exception {
        return TrialExecution.run(new ResultsFolder(Path.of(resultsFolder)), spec, trial, TrialFunction.load(spec.trial()), runner, null);
    }
}
