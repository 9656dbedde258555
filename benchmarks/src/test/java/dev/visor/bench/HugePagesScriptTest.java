package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/lib/huge-pages.sh}, which the GEMM benchmark scripts source: no huge-page flag by default; with
 * {@code VISOR_HUGE_PAGES=true} the flag goes to the Visor JVMs exactly where the kernel's THP mode lets the
 * heap use it; every case leaves a note for the report.
 */
class HugePagesScriptTest {
    private static final Path SCRIPT = Path.of("..", "bin", "lib", "huge-pages.sh").toAbsolutePath().normalize();

    @Test
    void offByDefault(@TempDir Path dir) throws Exception {
        assertEquals("|madvise", flags(dir, "always [madvise] never\n", Map.of()));
        assertEquals("|always", flags(dir, "[always] madvise never\n", Map.of("VISOR_HUGE_PAGES", "false")));
    }

    @Test
    void whenAskedTheFlagFollowsTheKernelsMode(@TempDir Path dir) throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "the flag is Linux-only");
        Map<String, String> on = Map.of("VISOR_HUGE_PAGES", "true");
        assertEquals("-XX:+UseTransparentHugePages|madvise", flags(dir, "always [madvise] never\n", on));
        assertEquals("-XX:+UseTransparentHugePages|always", flags(dir, "[always] madvise never\n", on));
        assertEquals("|never", flags(dir, "always madvise [never]\n", on));
    }

    @Test
    void aMachineWithoutTheSysfsFileGetsNoFlag(@TempDir Path dir) throws Exception {
        assertEquals("|", run(dir, dir.resolve("absent"), Map.of("VISOR_HUGE_PAGES", "true")).split("\n")[0]);
    }

    private static String flags(Path dir, String sysfs, Map<String, String> env) throws Exception {
        Path file = dir.resolve("enabled");
        Files.writeString(file, sysfs);
        String[] out = run(dir, file, env).split("\n");
        assertTrue(out.length == 2 && out[1].startsWith("Visor's JVMs"), String.join("\n", out));
        return out[0];
    }

    /** Sources the script under {@code set -euo pipefail}, as the scripts do; prints "flags|mode" and the note. */
    private static String run(Path dir, Path sysfs, Map<String, String> env) throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(SCRIPT), "needs the checkout's bin/: " + SCRIPT);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source \"$1\";"
                + " echo \"${huge_page_flags[*]:-}|$huge_page_mode\"; echo \"$huge_page_note\"", "test", SCRIPT.toString());
        pb.environment().put("VISOR_THP_SYSFS", sysfs.toString());
        pb.environment().remove("VISOR_HUGE_PAGES");
        pb.environment().putAll(env);
        pb.directory(dir.toFile());
        BashRun.Result r = BashRun.run(pb);
        assertEquals(0, r.code(), r.out());
        return r.out();
    }
}
