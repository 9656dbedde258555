package dev.visor.sweeps.spark;

import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.SweepListener;
import dev.visor.sweeps.SweepRunner;
import dev.visor.sweeps.SweepSpec;
import dev.visor.sweeps.Trial;
import dev.visor.sweeps.TrialResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs each trial of a sweep as one Spark task: one single-partition job per trial, all submitted at
 * once, so Spark spreads them over its executors' task slots and retries a failed task
 * ({@code spark.task.maxFailures}, e.g. {@code local[2,3]}). A retried task resumes from the
 * trial's checkpoint when the results folder is on a file system every executor sees (a shared
 * mount; always so in local mode). The driver collects each trial's result as its job ends and
 * writes it into the results folder, so a killed sweep keeps every trial finished so far.
 *
 * <p>Trials set their kernel threads from {@code run.threads_per_trial} inside the task, so a trial
 * computes bit-identically here and on the local runner; give each executor
 * {@code spark.task.cpus = threads_per_trial} so the core budget holds on a cluster too.
 *
 * <pre>{@code
 * SweepRunner runner = new SparkRunner("local[2,3]");
 * Sweep.run(spec, new ResultsFolder(Path.of("runs/window-sweep")), runner, listener);
 * }</pre>
 */
public final class SparkRunner implements SweepRunner {
    private final String master;
    private final JavaSparkContext given;

    /**
     * A runner that starts (and stops) its own Spark context.
     *
     * @param master the master URL, or null to take it from the environment ({@code spark-submit})
     */
    public SparkRunner(String master) {
        this.master = master;
        this.given = null;
    }

    /**
     * A runner on an existing Spark context, which it leaves running.
     *
     * @param context the context
     */
    public SparkRunner(JavaSparkContext context) {
        this.given = Objects.requireNonNull(context, "context");
        this.master = context.master();
    }

    @Override
    public String describe(SweepSpec spec, int pending) {
        return "Apache Spark, master " + master + ": one task per trial × " + spec.run().threadsPerTrial() + " kernel thread"
                + (spec.run().threadsPerTrial() == 1 ? "" : "s");
    }

    @Override
    public Map<Trial, Throwable> run(SweepSpec spec, List<Trial> pending, ResultsFolder folder, SweepListener listener) {
        Map<Trial, Throwable> failed = new LinkedHashMap<>();
        if (pending.isEmpty()) return failed;
        JavaSparkContext sc = given != null ? given : new JavaSparkContext(conf(master, spec));
        TaskFailures failures = new TaskFailures(listener);
        sc.sc().addSparkListener(failures);
        try {
            String root = folder.root().toString();
            Map<Trial, JavaFutureAction<List<TrialResult>>> jobs = new LinkedHashMap<>();
            for (Trial t : pending) {
                sc.setJobDescription("visor trial " + t.id() + " (" + t.label() + ", seed " + t.seed() + ")");
                TrialTask task = new TrialTask(root, spec, t, "spark " + master);
                jobs.put(t, sc.parallelize(List.of(task), 1).map(TrialTask::call).collectAsync());
            }
            List<Trial> open = new ArrayList<>(jobs.keySet());
            while (!open.isEmpty()) {
                boolean progressed = false;
                for (Trial t : List.copyOf(open)) {
                    JavaFutureAction<List<TrialResult>> job = jobs.get(t);
                    if (!job.isDone()) continue;
                    open.remove(t);
                    progressed = true;
                    try {
                        TrialResult r = job.get().get(0);
                        folder.writeResult(r, spec.run().keepCheckpoints());
                        listener.finished(r);
                    } catch (ExecutionException e) {
                        failed.put(t, e.getCause());
                        listener.failed(t, e.getCause());
                    } catch (IOException e) {
                        failed.put(t, e);
                        listener.failed(t, e);
                    }
                }
                if (!progressed) Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Trial t : pending) if (!folder.isFinished(t)) failed.putIfAbsent(t, e);
        } finally {
            sc.sc().removeSparkListener(failures);
            if (given == null) sc.close();
        }
        return failed;
    }

    /** The configuration of a context this runner starts: no web UI; in local mode bound to the loopback address. */
    static SparkConf conf(String master, SweepSpec spec) {
        SparkConf conf = new SparkConf().setAppName("visor sweep " + spec.name()).setIfMissing("spark.ui.enabled", "false");
        if (master != null) conf.setMaster(master);
        if (master != null && master.startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        } else {
            conf.setIfMissing("spark.task.cpus", Integer.toString(spec.run().threadsPerTrial()));
        }
        return conf;
    }
}
