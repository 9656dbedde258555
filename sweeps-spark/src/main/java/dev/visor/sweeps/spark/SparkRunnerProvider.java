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
        String why = unsupported(Runtime.version().feature());
        if (why != null) throw new IllegalArgumentException(why);
        return new SparkRunner(master);
    }

    /**
     * Why Spark cannot run on a Java version, or null when it can.
     *
     * @param feature the JDK's feature version, e.g. 17
     * @return the reason, or null
     */
    static String unsupported(int feature) {
        return feature >= 24 ? "Spark 3.5 does not run on Java " + feature + " (Hadoop calls Subject.getSubject, which Java 24 removed); "
                + "run --master with JDK 17 or 21" : null;
    }
}
