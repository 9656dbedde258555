package dev.visor.sweeps;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a sweep end to end: expands it to trials, skips the finished ones (their {@code final.json}
 * exists), hands the rest to a runner — unfinished ones resume from their checkpoints — and writes
 * the summary from every finished trial.
 *
 * <pre>{@code
 * SweepSpec spec = SweepSpec.read(Path.of("examples/sweeps/window-sweep.json"));
 * Sweep.Report r = Sweep.run(spec, new ResultsFolder(Path.of("runs/window-sweep")), new LocalRunner(2), listener);
 * }</pre>
 */
public final class Sweep {
    private Sweep() {}

    /**
     * What a run did.
     *
     * @param trials every trial of the sweep
     * @param skipped trials already finished before this run
     * @param ran trials this run handed to the runner
     * @param failed the ones of those that failed, with why
     * @param summary the summary written
     */
    public record Report(List<Trial> trials, List<Trial> skipped, List<Trial> ran, Map<Trial, Throwable> failed, SweepSummary summary) {}

    /**
     * Runs the unfinished trials and writes the summary.
     *
     * @param spec the sweep
     * @param folder the results folder
     * @param runner the runner
     * @param listener hears about trials
     * @return what happened
     * @throws IOException when the results folder cannot be written or read
     */
    public static Report run(SweepSpec spec, ResultsFolder folder, SweepRunner runner, SweepListener listener) throws IOException {
        List<Trial> trials = spec.trials();
        folder.writeSweep(spec);
        List<Trial> skipped = new ArrayList<>();
        List<Trial> pending = new ArrayList<>();
        for (Trial t : trials) (folder.isFinished(t) ? skipped : pending).add(t);
        Map<Trial, Throwable> failed = runner.run(spec, pending, folder, listener);
        SweepSummary summary = SweepSummary.of(spec, folder);
        summary.write(folder.root());
        return new Report(trials, List.copyOf(skipped), List.copyOf(pending), failed, summary);
    }

    /**
     * The trials not finished yet.
     *
     * @param spec the sweep
     * @param folder the results folder
     * @return the pending trials
     */
    public static List<Trial> pending(SweepSpec spec, ResultsFolder folder) {
        return spec.trials().stream().filter(t -> !folder.isFinished(t)).toList();
    }
}
