package dev.visor.sweeps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs trials in this JVM, several at once within a core budget: trials at once × kernel threads per
 * trial ≤ cores. Kernel threads are a process-wide setting ({@code Parallel.setThreads}, or
 * {@code -Dvisor.threads}); with one thread per trial each trial's kernels run on its own thread.
 *
 * <pre>{@code
 * new LocalRunner(Runtime.getRuntime().availableProcessors()).run(spec, pending, folder, listener);
 * }</pre>
 */
public final class LocalRunner implements SweepRunner {
    private final int cores;

    /**
     * A runner for a machine with {@code cores} cores.
     *
     * @param cores the core budget, at least 1
     */
    public LocalRunner(int cores) {
        if (cores < 1) throw new IllegalArgumentException("cores must be at least 1 but is " + cores);
        this.cores = cores;
    }

    /**
     * The number of trials to run at once.
     *
     * @param run the sweep's run settings
     * @param pending the trials to run
     * @return {@code run.parallel}, or as many as fit the cores when it is 0, at most {@code pending}
     * @throws IllegalArgumentException when {@code parallel × threads_per_trial} exceeds the cores
     */
    public int parallelism(SweepSpec.RunSettings run, int pending) {
        if (run.threadsPerTrial() > cores) {
            throw new IllegalArgumentException("run.threads_per_trial " + run.threadsPerTrial() + " exceeds the " + cores + " cores");
        }
        int p = run.parallel() == 0 ? cores / run.threadsPerTrial() : run.parallel();
        if ((long) p * run.threadsPerTrial() > cores) {
            throw new IllegalArgumentException("run.parallel " + p + " × run.threads_per_trial " + run.threadsPerTrial() + " = "
                    + (p * run.threadsPerTrial()) + " kernel threads exceed the " + cores + " cores; lower one of them");
        }
        return Math.max(1, Math.min(p, pending));
    }

    @Override
    public String describe(SweepSpec spec, int pending) {
        int p = parallelism(spec.run(), pending);
        return "local: " + p + " trial" + (p == 1 ? "" : "s") + " at once × " + spec.run().threadsPerTrial() + " kernel thread"
                + (spec.run().threadsPerTrial() == 1 ? "" : "s") + " (" + cores + " cores)";
    }

    @Override
    public Map<Trial, Throwable> run(SweepSpec spec, List<Trial> pending, ResultsFolder folder, SweepListener listener) {
        Map<Trial, Throwable> failed = new LinkedHashMap<>();
        if (pending.isEmpty()) return failed;
        int parallel = parallelism(spec.run(), pending.size());
        TrialFunction function = TrialFunction.load(spec.trial());
        AtomicInteger ids = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "visor-trial-" + ids.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Trial, Future<TrialResult>> futures = new LinkedHashMap<>();
            for (Trial trial : pending) {
                futures.put(trial, pool.submit(() -> {
                    listener.started(trial);
                    TrialResult r = TrialExecution.run(folder, spec, trial, function, "local",
                            (step, total) -> listener.progress(trial, step, total));
                    folder.writeResult(r, spec.run().keepCheckpoints());
                    listener.finished(r);
                    return r;
                }));
            }
            for (Map.Entry<Trial, Future<TrialResult>> e : futures.entrySet()) {
                try {
                    e.getValue().get();
                } catch (java.util.concurrent.ExecutionException ex) {
                    Throwable cause = ex.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : ex.getCause();
                    failed.put(e.getKey(), cause);
                    listener.failed(e.getKey(), cause);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    failed.put(e.getKey(), ex);
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return failed;
    }
}
