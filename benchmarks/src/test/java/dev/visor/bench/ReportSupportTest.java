package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSupportTest {

    @Test
    void theHeapLineSaysWhetherTheHeapIsOnHugePages() {
        assertEquals("transparent huge pages (-XX:+UseTransparentHugePages, THP mode madvise)",
                ReportSupport.heapPages("true", "madvise"));
        assertEquals("4 KB pages (no -XX:+UseTransparentHugePages; THP mode madvise)",
                ReportSupport.heapPages("false", "madvise"));
        assertEquals("transparent huge pages (THP mode always)", ReportSupport.heapPages("false", "always"));
        assertEquals("default pages (-XX:+UseTransparentHugePages, but THP mode never)",
                ReportSupport.heapPages("true", "never"));
        assertEquals("default pages (this JVM has no -XX:UseTransparentHugePages)", ReportSupport.heapPages(null, "unknown"));
        String here = ReportSupport.heapPages();
        assertTrue(here.contains("pages"), here);
    }

    @Test
    void optionsTakeValuesAndFlags() {
        Map<String, String> opts = ReportSupport.options(new String[] {"--threads=1,2", "--quick"},
                List.of("threads", "quick"), "--threads=1,2 --quick");
        assertEquals("1,2", opts.get("threads"));
        assertEquals("", opts.get("quick"));
        assertEquals(2, opts.size());
    }

    @Test
    void anUnknownOptionIsNamedWithTheAcceptedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReportSupport.options(new String[] {"--thread=2"},
                List.of("threads"), "--threads=1,2"));
        assertTrue(e.getMessage().contains("--thread") && e.getMessage().contains("--threads=1,2"), e.getMessage());
        var bare = assertThrows(IllegalArgumentException.class, () -> ReportSupport.options(new String[] {"threads=2"},
                List.of("threads"), "--threads=1,2"));
        assertTrue(bare.getMessage().contains("'threads=2'"), bare.getMessage());
    }

    @Test
    void theTableIsWrittenAtomicallyOverAnOldOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("table.md");
        Files.writeString(file, "old");
        ReportSupport.writeAtomically(file, "| a |\n");
        assertEquals("| a |\n", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void anUnwritableDestinationNamesTheFile(@TempDir Path dir) {
        Path file = dir.resolve("missing-dir").resolve("table.md");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> ReportSupport.writeAtomically(file, "x"));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void paramValuesReadTheBenchmarksOwnLists() {
        String[] shapes = ReportSupport.paramValues(MatmulBench.class, "shape");
        assertEquals("sq128", shapes[0]);
        assertTrue(List.of(shapes).contains("sq1024"));
        assertArrayEquals(new String[] {"1", "2"}, ReportSupport.paramValues(MatmulBench.class, "threads"));
        var e = assertThrows(IllegalStateException.class, () -> ReportSupport.paramValues(MatmulBench.class, "size"));
        assertTrue(e.getMessage().contains("'size'"), e.getMessage());
    }

    @Test
    void quickMeansWhatTheHeadersSay() {
        var o = ReportSupport.quick(new org.openjdk.jmh.runner.options.OptionsBuilder()).build();
        assertEquals(2, o.getWarmupIterations().get());
        assertEquals(3, o.getMeasurementIterations().get());
        assertEquals(org.openjdk.jmh.runner.options.TimeValue.milliseconds(500), o.getWarmupTime().get());
        assertEquals(org.openjdk.jmh.runner.options.TimeValue.milliseconds(500), o.getMeasurementTime().get());
        assertEquals("2 × 0.5 s warm-up, 3 × 0.5 s measured", ReportSupport.QUICK);
    }

    @Test
    void machineLinesAreNeverEmpty() {
        assertFalse(ReportSupport.cpuModel().isBlank());
        assertTrue(ReportSupport.jdk().contains(System.getProperty("java.runtime.version")));
        assertFalse(ReportSupport.loadAverage().isBlank());
    }

    @Test
    void theIsaLineNamesWidthRegistersAndTiles() {
        var shape = dev.visor.tensor.kernel.MachineShape.current();
        String isa = ReportSupport.isa();
        assertTrue(isa.startsWith(shape.describe()), isa);
        assertTrue(isa.contains(shape.registers() + " vector registers"), isa);
        assertTrue(isa.contains("GEMM tile " + shape.gemm().mr() + "×" + shape.gemm().nrVectors()), isa);
        assertTrue(isa.contains("; FMA peak " + PeakFlopsBench.CHAINS + " chains; "), isa);
        assertTrue(isa.contains("CPU flags: "), isa);
    }
}
