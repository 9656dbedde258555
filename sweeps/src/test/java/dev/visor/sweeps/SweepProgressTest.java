package dev.visor.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepProgressTest {
    private long now;

    @Test
    void showsTheWholeSweepAndEstimatesTheTimeLeftFromStepsDone() {
        Trial a = new Trial("ca-s1", "ca", Map.of("w", 1L), Map.of(), 1);
        Trial b = new Trial("ca-s2", "ca", Map.of("w", 1L), Map.of(), 2);
        StringWriter text = new StringWriter();
        SweepProgress p = new SweepProgress(new PrintWriter(text), false, 4, 1, 10_000_000_000L, () -> now);
        p.started(a);
        p.started(b);
        assertEquals("sweep 1/4 trials █████···············  running ca-s1 starting, ca-s2 starting  elapsed 0:00", p.line(now));
        now = 20_000_000_000L;
        p.progress(a, 50, 100);
        p.progress(b, 50, 100);
        // one trial's worth of work (two halves) in 20 s; 2 trials' worth left (3 unfinished − 1 done in part)
        assertEquals("sweep 1/4 trials ██████████··········  running ca-s1 50/100, ca-s2 50/100  elapsed 0:20  ETA 0:40", p.line(now));
        p.finished(new TrialResult(a, new TrialOutcome(Map.of("loss", 1.5), 100), List.of(), 40, 12.0, "local"));
        String out = text.toString();
        assertTrue(out.contains("sweep 1/4 trials") && out.contains("running ca-s1 50/100"), "a line every 10 s when not live:\n" + out);
        assertTrue(out.contains("  finished ca-s1 (w=1, seed 1) in 0:12, resumed from step 40: loss 1.5000"), out);
        assertTrue(out.contains("sweep 2/4 trials"), out);
    }
}
