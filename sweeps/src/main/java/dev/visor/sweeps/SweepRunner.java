package dev.visor.sweeps;

import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Runs a sweep's pending trials and writes each finished one into the results folder. The local
 * runner is {@link LocalRunner}; others (Spark, in the {@code sweeps-spark} module) are found by
 * {@link #forMaster(String)} through {@link Provider}s on the class path.
 */
public interface SweepRunner {
    /**
     * Runs the trials.
     *
     * @param spec the sweep
     * @param pending the trials to run (the unfinished ones)
     * @param folder where results go
     * @param listener hears about trials
     * @return the trials that failed, with why; empty when all finished
     */
    Map<Trial, Throwable> run(SweepSpec spec, List<Trial> pending, ResultsFolder folder, SweepListener listener);

    /** @return a short description for the progress header, e.g. {@code "local, 2 trials at once × 1 kernel thread"} */
    String describe(SweepSpec spec, int pending);

    /** Makes runners for a cluster master URL; registered in {@code META-INF/services/dev.visor.sweeps.SweepRunner$Provider}. */
    interface Provider {
        /**
         * @param master a master URL such as {@code local[2]} or {@code spark://host:7077}
         * @return whether this provider runs sweeps there
         */
        boolean accepts(String master);

        /**
         * @param master the master URL
         * @return a runner
         */
        SweepRunner create(String master);
    }

    /**
     * Finds the runner for a master URL on the thread's context class path.
     *
     * @param master the master URL
     * @return a runner
     * @throws IllegalArgumentException when no provider on the class path accepts it
     */
    static SweepRunner forMaster(String master) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        StringBuilder broken = new StringBuilder();
        int found = 0;
        for (ServiceLoader.Provider<Provider> p : ServiceLoader.load(Provider.class, loader).stream().toList()) {
            try {
                Provider provider = p.get();
                found++;
                if (provider.accepts(master)) return provider.create(master);
            } catch (ServiceConfigurationError | LinkageError e) {
                broken.append("; ").append(p.type().getName()).append(" failed to load: ").append(e);
            }
        }
        throw new IllegalArgumentException(found == 0
                ? "--master " + master + " needs a cluster runner on the class path but there is none: add the sweeps-spark jar and "
                        + "Spark's jars (bin/visor does when --master is given, after mvn package)" + broken
                : "no runner on the class path accepts --master " + master + " (Spark takes local[N], local[N,F], spark://HOST:PORT, "
                        + "yarn, k8s://...)" + broken);
    }
}
