package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) {
            path = path + File.pathSeparator + modules;   // the main classes may be on the module path
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), property,
                "-cp", path, main.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return out;
    }
}
