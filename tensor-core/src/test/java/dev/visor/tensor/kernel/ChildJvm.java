package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test class's {@code main} in a child JVM with one system property: for settings read once per JVM. */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * Runs {@code main.main} with {@code property} (a {@code -Dname=value}) on this JVM's class path.
     *
     * @return the child's standard output and error
     */
    static String run(Class<?> main, String property) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), property,
                "-cp", classPath(), main.getName());
        return output(cmd, 60, false);
    }

    /**
     * Runs {@code main.main} with the Vector API, this JVM's vector width ({@code -XX:UseAVX},
     * {@code -XX:MaxVectorSize}) and the given {@code -D} properties, and checks that it exits with 0
     * within two minutes.
     *
     * @return the child's standard output and error
     */
    static String runAtThisWidth(Class<?> main, String... properties) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:MaxVectorSize")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of(properties));
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", classPath(), main.getName()));
        return output(cmd, 120, true);
    }

    /**
     * {@link #runAtThisWidth}, then the groups of the first match of {@code line} in the child's
     * output (a test's {@code main} prints its settings and a digest of the bits on one line).
     *
     * @return groups 1 to n of the match
     */
    static String[] lineAtThisWidth(Class<?> main, java.util.regex.Pattern line, String... properties)
            throws IOException, InterruptedException {
        String out = runAtThisWidth(main, properties);
        java.util.regex.Matcher m = line.matcher(out);
        assertTrue(m.find(), out);
        String[] groups = new String[m.groupCount()];
        for (int g = 1; g <= groups.length; g++) {
            groups[g - 1] = m.group(g);
        }
        return groups;
    }

    /** This JVM's class path, with the module path after it: the main classes may be on the module path. */
    private static String classPath() {
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        return modules == null || modules.isEmpty() ? path : path + File.pathSeparator + modules;
    }

    private static String output(List<String> cmd, int seconds, boolean mustSucceed)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), out);
        assertTrue(!mustSucceed || p.exitValue() == 0, "exit status " + p.exitValue() + ": " + out);
        return out;
    }
}
