package dev.visor.cli;

import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VectorSupport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code visor --version}: the Visor version (from a resource Maven filters at build time), the JVM,
 * and whether the Vector API kernels are on.
 */
final class VersionProvider implements IVersionProvider {
    /** The resource holding {@code version=...}. */
    static final String RESOURCE = "/dev/visor/cli/version.properties";

    /** @return the Visor version, or "unknown" if the resource is missing */
    static String visorVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "visor " + visorVersion(),
            "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                    + " (" + System.getProperty("os.arch") + ")",
            "Vector API kernels: " + vectorApi() + "; threads: " + Parallel.threads()};
    }

    /**
     * Whether the Vector API kernels run, and if not why: chosen off with {@code -Dvisor.vector=false},
     * or the JVM lacks the incubator module.
     *
     * @return "on", or "off (...)" with the reason
     */
    static String vectorApi() {
        return vectorApi(VectorSupport.available(), System.getProperty("visor.vector"));
    }

    /**
     * The status line for given facts.
     *
     * @param available whether the vector kernels run
     * @param property the value of {@code -Dvisor.vector}, or null
     * @return "on", or "off (...)" with the reason
     */
    static String vectorApi(boolean available, String property) {
        if (available) return "on";
        return property == null || Boolean.parseBoolean(property) ? "off (start the JVM with --add-modules jdk.incubator.vector)"
                : "off (scalar kernels chosen with -Dvisor.vector=" + property + ")";
    }
}
