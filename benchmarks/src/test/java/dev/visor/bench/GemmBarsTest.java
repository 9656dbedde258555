package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemmBarsTest {

    @Test
    void figuresReadTheWallClockAndTheCpuReading() {
        var m = GemmBars.figures("1:208.5/208.6, 2:421.4/210.5");
        assertArrayEquals(new double[] {208.5, 208.6}, m.get(1));
        assertArrayEquals(new double[] {421.4, 210.5}, m.get(2));
        assertArrayEquals(new double[] {99.0, 99.0}, GemmBars.figures("1:99").get(1), "one figure serves for both");
        assertTrue(GemmBars.figures("").isEmpty());
        assertTrue(GemmBars.figures(null).isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> GemmBars.figures("1=20"));
        assertTrue(e.getMessage().contains("'1=20'"), e.getMessage());
    }

    @Test
    void aBarIsMetOnlyAtOrAboveItsLevel() {
        assertEquals("| sq1024 ≥ 80 % of peak | 1 | 80 % (85 %) | yes |\n", GemmBars.bar("sq1024 ≥ 80 % of peak", 1, 0.80, 0.85, 0.80, "%"));
        assertEquals("| x | 2 | 79 % (90 %) | **no** |\n", GemmBars.bar("x", 2, 0.79, 0.90, 0.80, "%"));
        assertEquals("| r | 1 | 0.95× | **no** |\n", GemmBars.bar("r", 1, 0.95, Double.NaN, 1.0, "×"));
    }

    @Test
    void measureDividesFlopByTheWallClockAndByTheCpuReading() {
        AtomicLong fakeCpu = new AtomicLong();
        // each call "costs" 1 ms of CPU time and sleeps about 2 ms: CPU reading ≈ 1 GFLOP per ms, wall about half
        GemmBars.Rate r = GemmBars.measure(0.01, 2, 1e6, () -> {
            fakeCpu.addAndGet(1_000_000);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 1, () -> java.util.Map.of(1L, fakeCpu.get()));
        assertEquals(1.0, r.cpu(), 1e-9);
        assertEquals(1.0, r.busiest(), 1e-9);
        // at most 0.5 (each call sleeps at least 2 ms); no lower bound: under load a 2 ms sleep may take 20
        assertTrue(r.wall() > 0 && r.wall() < 0.55, "wall reading " + r.wall());
    }

    @Test
    void aRoundWithNoCpuReadingHasAWallFigureOnly() {
        // a CPU counter that never moves: before, 1 ns of CPU stood in and the row read ~10^8 GFLOP per CPU-second
        GemmBars.Rate r = GemmBars.measure(0.005, 2, 1e6, () -> { }, 1, () -> java.util.Map.of(1L, 7L));
        assertEquals(0.0, r.cpu());
        assertEquals(0.0, r.busiest());
        assertTrue(r.wall() > 0, "wall reading " + r.wall());
        GemmBars.Rate peak = new GemmBars.Rate(100, 100, 100);
        assertEquals("| proj | 1 | 50.0 | 50 % | n/a | n/a | n/a | n/a |\n",
                GemmBars.row("proj", 1, new GemmBars.Rate(50, 0, 0), peak));
        assertEquals("| proj | 1 | 50.0 | 50 % | 40.0 | 40 % | 40.0 | 40 % |\n",
                GemmBars.row("proj", 1, new GemmBars.Rate(50, 40, 40), peak));
    }

    @Test
    void theBusiestThreadBoundsTheSplitRun() {
        // 4 GFLOP on two threads that worked 3 s and 1 s: 2 GFLOP per CPU-second in all, but as fast
        // as the busiest thread allows, 4 / 3 / 2 per core; an idle third thread does not count
        GemmBars.Rate r = GemmBars.Rate.of(4e9, 2_000_000_000L, new long[] {3_000_000_000L, 1_000_000_000L}, 2);
        assertEquals(2.0, r.wall(), 1e-9);
        assertEquals(1.0, r.cpu(), 1e-9);
        assertEquals(4.0 / 3 / 2, r.busiest(), 1e-9);
    }

    @Test
    void aMultiThreadPeakBelowThreeQuartersOfLinearScalingIsImplausible() {
        // the C loop's reading of 2026-12-03: 237 GFLOP/s on 2 threads, as on 1; by hand 464-475
        var bad = GemmBars.implausible(java.util.Map.of(1, 237.0, 2, 237.0));
        assertEquals(java.util.Set.of(2), bad.keySet());
        assertTrue(bad.get(2).contains("237.0") && bad.get(2).contains("2 threads"), bad.get(2));
        assertTrue(GemmBars.implausible(java.util.Map.of(1, 237.0, 2, 464.0)).isEmpty());
        assertTrue(GemmBars.implausible(java.util.Map.of(1, 237.0, 2, 356.0)).isEmpty(), "just above 0.75 × 2 × 237 passes");
        assertEquals(java.util.Set.of(4), GemmBars.implausible(java.util.Map.of(1, 100.0, 2, 190.0, 4, 250.0)).keySet());
        assertTrue(GemmBars.implausible(java.util.Map.of(2, 10.0)).isEmpty(), "no 1-thread figure: nothing to judge by");
        assertEquals(java.util.Set.of(2), GemmBars.implausible(java.util.Map.of(1, 100.0, 2, Double.NaN)).keySet());
    }

    @Test
    void aSmallRunPrintsEveryFigureAndEveryBar(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bars.md");
        GemmBars.main(new String[] {"--shapes=sq128,sq1024", "--threads=1,2", "--seconds=0.01", "--rounds=1",
                "--warmup=0.01", "--openblas=1:1e6/1e6,2:1e-3", "--cpeak=1:1e-3/1e-3,2:1e-3", "--out=" + out});
        String table = Files.readString(out);
        assertTrue(table.contains("| sgemm sq128 | 1 |") && table.contains("| sgemm sq1024 | 2 |"), table);
        assertTrue(table.contains("| FMA peak (16 chains, higher of before/after) | 2 |"), table);
        assertTrue(table.contains("| sq128 ≥ 80 % of peak | 1 |") && table.contains("| sq1024 ≥ 75 % of peak | 2 |"), table);
        // an absurdly fast OpenBLAS is not met, an absurdly slow one is
        assertTrue(table.matches("(?s).*\\| sq1024 ≥ 1\\.0× OpenBLAS \\(1000000\\.0\\) \\| 1 \\| [0-9.]+× \\([0-9.]+×\\) \\| \\*\\*no\\*\\* \\|.*"), table);
        assertTrue(table.matches("(?s).*\\| sq1024 ≥ 1\\.0× OpenBLAS \\(0\\.0\\) \\| 2 \\| [0-9.]+× \\([0-9.]+×\\) \\| yes \\|.*"), table);
        assertTrue(table.contains("| JVM peak ≥ 95 % of the C loop's (0.0) | 1 |"), table);
        assertTrue(table.contains("ISA: "), table);
        // a C peak on 2 threads no higher than on 1 is flagged, and its bar is not judged
        assertTrue(table.contains("**Implausible C FMA peak on 2 threads: 2 threads read 0.0 GFLOP/s"), table);
        assertTrue(table.contains("| JVM peak ≥ 95 % of the C loop's (0.0) | 2 | – | **not judged: C peak implausible** |"), table);
        assertTrue(table.contains("Host steal"), table);
        assertTrue(table.contains("every product on every thread count warmed up first (2 passes × 0.01 s"), table);
    }

    @Test
    void theWarmUpRunsEveryProductOnEveryThreadCountInEachPass() {
        Map<String, Integer> calls = GemmBars.warmUp(new String[] {"sq64", "proj_32x16x8_NT"}, new int[] {1, 2}, 1e-6, 2);
        assertEquals(List.of("sq64@1", "proj_32x16x8_NT@1", "sq64@2", "proj_32x16x8_NT@2"), List.copyOf(calls.keySet()));
        calls.values().forEach(n -> assertTrue(n >= 2, calls::toString));   // at least one product per pass
        assertTrue(GemmBars.warmUp(new String[] {"sq64"}, new int[] {1}, 0, 2).isEmpty(), "--warmup=0 skips it");
    }

    @Test
    void stealIsTheShareOfAllVcpusTimeAndOnlyRowsWithSomeAreNamed() {
        int cores = Runtime.getRuntime().availableProcessors();
        // 10 ticks (0.1 s) of steal over 1 s of wall clock on every vCPU
        assertEquals(0.1 / cores, GemmBars.stealShare(100, 110, 1_000_000_000L), 1e-12);
        assertTrue(Double.isNaN(GemmBars.stealShare(-1, 5, 1_000_000_000L)), "unreadable before");
        assertTrue(Double.isNaN(GemmBars.stealShare(5, -1, 1_000_000_000L)), "unreadable after");
        var rows = new java.util.LinkedHashMap<String, Double>();
        rows.put("sq512@2", 0.001);
        rows.put("sq2048@2", 0.123);
        assertEquals("\nHost steal (/proc/stat, share of all vCPUs' time) during the products: sq2048@2 12.3 %.\n",
                GemmBars.stealLine(rows));
        rows.put("sq2048@2", 0.0);
        assertTrue(GemmBars.stealLine(rows).contains("under 0.5 % for every row"), GemmBars.stealLine(rows));
        assertTrue(GemmBars.stealLine(java.util.Map.of("x@1", Double.NaN)).contains("not readable"));
    }
}
