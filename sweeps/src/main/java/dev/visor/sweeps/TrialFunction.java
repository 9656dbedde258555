package dev.visor.sweeps;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * What one trial does: trains something from the trial's parameters and seed, reports metrics as it
 * goes, and returns its final metrics. Implementations are found by name with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.visor.sweeps.TrialFunction}), so a
 * Spark executor builds the same function from the same jar; they need a public no-argument
 * constructor.
 *
 * <p><b>Contract.</b> Given the same trial (parameters and seed) and the same kernel thread count, a
 * function returns bit-identical final metrics, whichever runner runs it and whether or not it was
 * interrupted and resumed from its checkpoint. A function that supports resuming saves checkpoints
 * every {@link TrialContext#checkpointEvery()} steps into {@link TrialContext#checkpointDirectory()},
 * continues from one found there, and then calls {@link TrialContext#resumedAt(long)}.
 *
 * <pre>{@code
 * public final class MyTrial implements TrialFunction {
 *     public String name() { return "my_trial"; }
 *     public TrialOutcome run(Trial trial, TrialContext context) { ... context.report(step, Map.of("loss", l)); ... }
 * }
 * }</pre>
 */
public interface TrialFunction {
    /** @return the name sweep files use, lower_snake_case */
    String name();

    /**
     * Runs one trial.
     *
     * @param trial the trial: parameters and seed
     * @param context where to report metrics and progress and keep checkpoints
     * @return the final metrics
     * @throws Exception when the trial fails; the runner records it (or Spark retries it)
     */
    TrialOutcome run(Trial trial, TrialContext context) throws Exception;

    /**
     * Finds a function by name on the thread's context class path (so jars added by
     * {@code spark-submit --jars} count).
     *
     * @param name the function's name
     * @return a new instance
     * @throws IllegalArgumentException naming the available functions when none has that name
     */
    static TrialFunction load(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        TreeSet<String> available = new TreeSet<>();
        List<String> broken = new java.util.ArrayList<>();
        for (ServiceLoader.Provider<TrialFunction> p : ServiceLoader.load(TrialFunction.class, loader).stream().toList()) {
            try {
                TrialFunction f = p.get();
                if (f.name().equals(name)) return f;
                available.add(f.name());
            } catch (ServiceConfigurationError e) {
                broken.add(p.type().getName() + " (" + e.getMessage() + ")");
            }
        }
        throw new IllegalArgumentException("no trial function named '" + name + "'; available: " + available
                + (broken.isEmpty() ? "" : "; failed to load: " + broken));
    }
}
