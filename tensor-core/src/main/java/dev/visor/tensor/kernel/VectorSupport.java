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
 * operator kind before the first kernel"). {@code -Dvisor.vector.warmup=false} skips it (to compare). Both settings are parsed by {@link KernelProperties}: values other than
 * {@code true} and {@code false} (in any case) are refused, naming the property.
 *
 * <p>Classes that reference {@code jdk.incubator.vector} types must only be loaded after
 * {@link #available()} returned true, or the JVM throws {@link NoClassDefFoundError}.
 */
public final class VectorSupport {
    /** The system property that switches the operator warm-up off ({@code false}) or on ({@code true}, the default). */
    public static final String WARMUP_PROPERTY = "visor.vector.warmup";

    private static final boolean AVAILABLE = detect();

    static {
        if (AVAILABLE && KernelProperties.bool(WARMUP_PROPERTY, true)) {
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

    private static boolean detect() {
        if (!KernelProperties.bool("visor.vector", true)) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
