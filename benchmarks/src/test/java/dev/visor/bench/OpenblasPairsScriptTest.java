package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/openblas-pairs}, issue 11's ratio measured in alternating processes: its report from saved
 * figures ({@code --from-rows}: every pair's ratio, and per thread count the median ratio, the pairs at
 * or above 1.0 and the best Visor round over the best OpenBLAS round), and its refusal of bad options
 * and malformed figures with a message that names them. The measuring itself needs numpy and a quiet
 * machine, so it is run by hand (benchmarks/README.md).
 */
class OpenblasPairsScriptTest {
    private static final Path SCRIPT = Path.of("..", "bin", "openblas-pairs").toAbsolutePath().normalize();

    @Test
    void reportsEveryPairAndTheSummaryPerThreadCount(@TempDir Path dir) throws Exception {
        Path rows = dir.resolve("r.rows");
        // 1 thread: ratios 0.9, 1.02, 1.0 (median 1.0, 2 of 3 at or above 1.0, best 112.2 / 110.0);
        // 2 threads, two pairs: ratios 0.95 and 1.05, median their mean 1.0, best 210 / 210
        Files.write(rows, List.of("openblas 1 1 110.0", "visor 1 1 99.0", "openblas 1 2 200", "visor 1 2 190",
                "visor 2 1 112.2", "openblas 2 1 110.0", "visor 2 2 210", "openblas 2 2 200",
                "openblas 3 1 100.0", "visor 3 1 100.0"));
        BashRun.Result r = run(dir, "--from-rows=" + rows);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("| 1 | 1 | 110.0 | 99.0 | 0.900 |"), r.out());
        assertTrue(r.out().contains("| 1 | 2 | 110.0 | 112.2 | 1.020 |"), r.out());
        assertTrue(r.out().contains("| 2 | 1 | 200.0 | 190.0 | 0.950 |"), r.out());
        assertTrue(r.out().contains("| 2 | 2 | 200.0 | 210.0 | 1.050 |"), r.out());
        assertTrue(r.out().contains("| 1 | 1.000 | 2 of 3 | 1.020 |"), r.out());
        assertTrue(r.out().contains("| 2 | 1.000 | 1 of 2 | 1.050 |"), r.out());
        assertEquals(r.out(), Files.readString(dir.resolve("openblas-pairs.md"), StandardCharsets.UTF_8).strip(),
                "the report goes to --out (default openblas-pairs.md) as well");
    }

    @Test
    void refusesMalformedFiguresAndBadOptionsNamingThem(@TempDir Path dir) throws Exception {
        Path rows = dir.resolve("bad.rows");
        Files.write(rows, List.of("openblas 1 1 110.0", "visor 1 1 fast"));
        BashRun.Result r = run(dir, "--from-rows=" + rows);
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("malformed line 2: visor 1 1 fast"), r.out());
        r = run(dir, "--from-rows=" + dir.resolve("absent.rows"));
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("which is not a file"), r.out());
        r = run(dir, "--from-rows=" + writeEmpty(dir));
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("no openblas figure"), r.out());
        assertRefused(dir, "--pairs=0", "--pairs is '0' but must be a positive integer");
        assertRefused(dir, "--n=1k", "--n is '1k' but must be a positive integer");
        assertRefused(dir, "--threads=1,", "--threads is '1,' but must be positive integers joined by commas");
        assertRefused(dir, "--seconds=0", "--seconds is '0' but must be a positive number");
        assertRefused(dir, "--width=wide", "--width is 'wide' but must be native, avx2 or 128");
        assertRefused(dir, "--fast", "unknown option '--fast'");
    }

    private static Path writeEmpty(Path dir) throws IOException {
        return Files.writeString(dir.resolve("empty.rows"), "");
    }

    private static void assertRefused(Path dir, String option, String message) throws Exception {
        BashRun.Result r = run(dir, option);
        assertEquals(2, r.code(), option + ": " + r.out());
        assertTrue(r.out().contains(message), option + ": " + r.out());
    }

    private static BashRun.Result run(Path dir, String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(SCRIPT), "needs the checkout's bin/: " + SCRIPT);
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("VISOR_HUGE_PAGES");
        return BashRun.run(pb);
    }
}
