package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The compile-log tests' child JVM: this run's vector width and kernel tiles, {@code -XX:+LogCompilation}. */
final class CompileLogChild {
    private CompileLogChild() {}

    /**
     * Runs {@code main}'s {@code main} method in a child JVM that logs its compiles to {@code log}, and
     * checks that it finished within two minutes with exit status 0.
     *
     * @param main the class whose {@code main} to run
     * @param log the compile log to write
     * @return the child's output (standard output and error)
     */
    static String run(Class<?> main, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:MaxVectorSize") || arg.startsWith("-Dvisor.kernel.")) {
                cmd.add(arg);   // this run's width and tiles
            }
        }
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) path = path + File.pathSeparator + modules;
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:+LogCompilation", "-XX:LogFile=" + log, "-cp", path, main.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
