package dev.visor.tensor.kernel;

/**
 * Tells kernels whether the JDK's incubating Vector API ({@code jdk.incubator.vector}) is usable.
 *
 * <p>The module must be resolved at start-up ({@code --add-modules jdk.incubator.vector}); the
 * Maven build, the launchers and the JMH forks pass that flag. Without it the same kernels run their
 * scalar paths, slower and with the same results. {@code -Dvisor.vector=false} forces the scalar
 * paths even when the module is present (to compare the two).
 *
 * <p>When the module is usable, the first call runs a one-time warm-up of every operator kind the
 * kernels use (interpreted; about 0.1 s once per process, 95–165 ms measured on Zen 5, of which the
 * first round is class loading that a first kernel would pay anyway), so that the JDK's
 * per-operator dispatch is profiled with all of them before C2 compiles it (docs/DESIGN.md, "Every
 * operator kind before the first kernel"). {@code -Dvisor.vector.warmup=false} skips it (to compare); values other than
 * {@code true} and {@code false} are refused.
 *
 * <p>Classes that reference {@code jdk.incubator.vector} types must only be loaded after
 * {@link #available()} returned true, or the JVM throws {@link NoClassDefFoundError}.
 */
public final class VectorSupport {
    /** The system property that switches the operator warm-up off ({@code false}) or on ({@code true}, the default). */
    public static final String WARMUP_PROPERTY = "visor.vector.warmup";

    private static final boolean AVAILABLE = detect();

    static {
        if (AVAILABLE && warmupEnabled(System.getProperty(WARMUP_PROPERTY))) {
            VectorOpsWarmup.run();
        }
    }

    private VectorSupport() {}

    /**
     * True when vectorised kernels may be used.
     *
     * @return true when the {@code jdk.incubator.vector} module is in the boot layer and {@code -Dvisor.vector=false} is not set; false means the scalar paths
     */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * Parses {@value #WARMUP_PROPERTY}.
     *
     * @param value the property's value, null when unset
     * @return whether the operator warm-up runs
     * @throws IllegalArgumentException for anything but {@code true}, {@code false} or unset
     */
    static boolean warmupEnabled(String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("-D" + WARMUP_PROPERTY + "=" + value + ": expected true or false");
    }

    private static boolean detect() {
        if (!Boolean.parseBoolean(System.getProperty("visor.vector", "true"))) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
