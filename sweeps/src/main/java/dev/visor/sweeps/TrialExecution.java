package dev.visor.sweeps;

import dev.visor.tensor.kernel.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs one trial in this JVM — on the local runner's threads or inside a Spark task alike: sets the
 * kernel threads, loads the metrics an interrupted attempt left, calls the trial function, and
 * returns the result for the driver to write.
 *
 * <p><b>Fault injection.</b> {@code -Dvisor.sweep.failOnce=ID,ID...} makes the first attempt of each
 * named trial fail after it started (a marker file in the trial's folder remembers the failure), so
 * that retries — Spark's, or a rerun of the sweep — can be exercised on real trials.
 */
public final class TrialExecution {
    /** The fault-injection property. */
    public static final String FAIL_ONCE = "visor.sweep.failOnce";

    private TrialExecution() {}

    /**
     * Runs a trial.
     *
     * @param folder the results folder (on a file system this JVM sees)
     * @param spec the sweep
     * @param trial the trial
     * @param function the trial function
     * @param runner a name for the runner, recorded in {@code final.json}
     * @param progress receives {@code (step, total)} as the trial goes, or null
     * @return the result
     * @throws Exception what the trial function throws
     */
    public static TrialResult run(ResultsFolder folder, SweepSpec spec, Trial trial, TrialFunction function, String runner,
                                  BiConsumer<Long, Long> progress) throws Exception {
        long start = System.nanoTime();
        Parallel.setThreads(spec.run().threadsPerTrial());
        folder.writeParams(trial);
        Context context = new Context(folder, spec, trial, progress);
        failOnceIfAsked(folder, trial);
        TrialOutcome outcome = function.run(trial, context);
        if (!outcome.metrics().containsKey(spec.metric())) {
            throw new IllegalStateException("trial " + trial.id() + " returned no metric '" + spec.metric() + "'; it returned "
                    + outcome.metrics().keySet());
        }
        return new TrialResult(trial, outcome, context.history, context.resumedFrom, (System.nanoTime() - start) / 1e9, runner);
    }

    private static void failOnceIfAsked(ResultsFolder folder, Trial trial) throws IOException {
        String ids = System.getProperty(FAIL_ONCE, "");
        if (ids.isBlank() || !Arrays.asList(ids.split(",")).contains(trial.id())) return;
        Path marker = folder.trialDirectory(trial).resolve(".failed-once");
        if (Files.exists(marker)) return;
        Files.writeString(marker, "failed on purpose (-D" + FAIL_ONCE + ")\n");
        throw new IllegalStateException("trial " + trial.id() + " failed on purpose, once (-D" + FAIL_ONCE + "=" + ids + ")");
    }

    private static final class Context implements TrialContext {
        private final ResultsFolder folder;
        private final SweepSpec spec;
        private final Trial trial;
        private final BiConsumer<Long, Long> progress;
        private final List<MetricLine> previous;
        final List<MetricLine> history = new ArrayList<>();
        long resumedFrom;

        Context(ResultsFolder folder, SweepSpec spec, Trial trial, BiConsumer<Long, Long> progress) throws IOException {
            this.folder = folder;
            this.spec = spec;
            this.trial = trial;
            this.progress = progress;
            // what an interrupted attempt reported: kept, up to its step, only if the trial resumes from a checkpoint
            this.previous = folder.readHistory(trial);
        }

        @Override
        public Path directory() {
            return folder.trialDirectory(trial);
        }

        @Override
        public Path checkpointDirectory() {
            return directory().resolve(ResultsFolder.CHECKPOINT);
        }

        @Override
        public long checkpointEvery() {
            return spec.run().checkpointEvery();
        }

        @Override
        public int threads() {
            return spec.run().threadsPerTrial();
        }

        @Override
        public void report(long step, Map<String, Double> metrics) {
            history.add(new MetricLine(step, metrics));
            try {
                folder.writeHistory(trial, history);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the metrics of trial " + trial.id(), e);
            }
        }

        @Override
        public void progress(long step, long total) {
            if (progress != null) progress.accept(step, total);
        }

        @Override
        public List<MetricLine> history() {
            return List.copyOf(history);
        }

        @Override
        public void resumedAt(long step) {
            resumedFrom = step;
            List<MetricLine> kept = new ArrayList<>();
            for (MetricLine l : previous) if (l.step() <= step) kept.add(l);
            history.addAll(0, kept);
        }
    }
}
