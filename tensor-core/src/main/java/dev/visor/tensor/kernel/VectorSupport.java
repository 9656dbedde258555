package dev.visor.tensor.kernel;

/**
 * Tells kernels whether the JDK's incubating Vector API ({@code jdk.incubator.vector}) is usable.
 *
 * <p>The module must be resolved at start-up ({@code --add-modules jdk.incubator.vector}); the
 * Maven build, the launchers and the JMH forks pass that flag. Without it the same kernels run their
 * scalar paths, slower and with the same results. {@code -Dvisor.vector=false} forces the scalar
 * paths even when the module is present (to compare the two).
 *
 * <p>Classes that reference {@code jdk.incubator.vector} types must only be loaded after
 * {@link #available()} returned true, or the JVM throws {@link NoClassDefFoundError}.
 */
public final class VectorSupport {
    private static final boolean AVAILABLE = detect();

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
        if (!Boolean.parseBoolean(System.getProperty("visor.vector", "true"))) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
