package dev.visor.sweeps.spark;

import dev.visor.sweeps.SweepRunner;

/** Offers {@link SparkRunner} for Spark master URLs to {@link SweepRunner#forMaster(String)}. */
public final class SparkRunnerProvider implements SweepRunner.Provider {
    /** For {@link java.util.ServiceLoader}. */
    public SparkRunnerProvider() {}

    @Override
    public boolean accepts(String master) {
        return master.matches("local(\\[[0-9*]+(,\\s*[0-9]+)?])?") || master.startsWith("spark://") || master.equals("yarn")
                || master.startsWith("k8s://") || master.startsWith("mesos://");
    }

    @Override
    public SweepRunner create(String master) {
        return new SparkRunner(master);
    }
}
