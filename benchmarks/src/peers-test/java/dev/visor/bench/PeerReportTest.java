package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic and layout, on made-up timings. */
class PeerReportTest {
    private static final PeerReport.Timing TEN_MS = new PeerReport.Timing(10, 12);
    private static final PeerReport.Timing FORTY_MS = new PeerReport.Timing(40, 50);

    @Test
    void matmulRowsGiveGflopsPerLibraryAndRatios() {
        Map<String, PeerReport.Timing> t = Map.of("visor@sq1024@2", TEN_MS, "djl@sq1024@2", FORTY_MS);
        String table = PeerReport.matmulTable(t, new String[] {"sq1024"}, new String[] {"2"});
        // 2·1024³ FLOP in 10 ms = 214.7 GFLOP/s (mean 12 ms: 179.0); 40 ms: 53.7 (42.9)
        assertTrue(table.contains("| sq1024 | 1024×1024 · 1024×1024 | 2 | 214.7 (179.0) | 53.7 (42.9) | – | 4.00× | – |"), table);
    }

    @Test
    void attentionRowsGiveMillisecondsAndTheSpeedRatio() {
        Map<String, PeerReport.Timing> t = Map.of("visor@causal@2048@1", TEN_MS, "djl@causal@2048@1", FORTY_MS);
        String table = PeerReport.attentionTable(t, new String[] {"causal"}, new String[] {"2048"}, new String[] {"1"});
        assertTrue(table.contains("| `causal` | 2048 | 1 | 10.00 (12.00) | 40.00 (50.00) | 4.00× |"), table);
    }

    @Test
    void layerRowsGiveTokensPerSecond() {
        Map<String, PeerReport.Timing> t = Map.of("visor@2", TEN_MS, "djl@2", FORTY_MS);
        String table = PeerReport.layerTable(t, new String[] {"2"});
        // 1024 tokens in 10 ms = 102 400 tokens/s
        assertTrue(table.contains("| 2 | 102400 (85333) | 25600 (20480) | 4.00× |"), table);
    }

    @Test
    void barsSayWhetherTheyAreMet() {
        Map<String, PeerReport.Timing> t = Map.of("visor@k", TEN_MS, "djl@k", FORTY_MS);
        assertTrue(PeerReport.bar("x", t, "k", 2.0).endsWith("| 4.00× | 2.00× | yes |"));
        assertTrue(PeerReport.bar("x", t, "k", 5.0).endsWith("| 4.00× | 5.00× | **no** |"));
        assertTrue(PeerReport.bar("x", t, "other", 2.0).contains("not measured"));
    }

    @Test
    void anUnknownPartIsRefusedBeforeAnythingRuns() {
        var e = assertThrows(IllegalArgumentException.class, () -> PeerReport.main(new String[] {"--only=softmax"}));
        assertTrue(e.getMessage().contains("'softmax'") && e.getMessage().contains("matmul"), e.getMessage());
    }
}
