package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dvisor.parkModeMillis} sets how long the kernel threads park between splits after a late
 * one (read once, so each case runs in a child JVM that prints {@link Parallel#PARK_MODE_NANOS}).
 */
class ParkModePropertyTest {
    /** The child: prints the park mode's length in nanoseconds. */
    public static void main(String[] args) {
        System.out.println("park-mode-nanos=" + Parallel.PARK_MODE_NANOS);
    }

    @Test
    void theParkModesLengthComesFromThePropertyAndZeroTurnsItOff() throws Exception {
        assertEquals(100_000_000L, Parallel.PARK_MODE_NANOS, "the default, in this JVM");
        assertTrue(child("-Dvisor.parkModeMillis=7").contains("park-mode-nanos=7000000"));
        assertTrue(child("-Dvisor.parkModeMillis=0").contains("park-mode-nanos=0"));
        String bad = child("-Dvisor.parkModeMillis=-1");
        assertTrue(bad.contains("-Dvisor.parkModeMillis must be at least 0, got -1"), bad);
    }

    private static String child(String property) throws IOException, InterruptedException {
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) {
            path = path + File.pathSeparator + modules;   // the main classes may be on the module path
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), property,
                "-cp", path, ParkModePropertyTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return out;
    }
}
